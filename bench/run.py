"""Run the benchmarks: `python -m bench.run [--quick] [--engine sqlite|postgresql] [--only X]`.

Prints a table and writes build/bench.json. Every figure has its baseline from the same run:
absolute numbers on a shared machine drift, ratios measured together do not.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench import reporting, throughput

SIZES = {  # quick stays under 3 minutes on 2 cores
    "quick": {"seconds": 4, "people": 1_000, "lines": 100_000, "repeats": 10},
    "full": {"seconds": 10, "people": 10_000, "lines": 1_000_000, "repeats": 20},
}


def machine() -> dict:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    server = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip()
    return {
        "cpus": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "os": platform.platform(),
        "postgresql_client": server,
        "load_before": os.getloadavg(),
    }


def table(rows: list[dict]) -> str:
    lines = [
        f"{'scenario':<58} {'engine':<10} {'figure':>12} {'baseline':>22} {'ratio':>8}  target"
    ]
    for r in rows:
        base = f"{r['baseline']:.1f} {r['unit']}" if r["baseline"] is not None else "-"
        ratio = f"{r['ratio']:.1%}" if r["ratio"] is not None else "-"
        lines.append(
            f"{r['scenario'][:58]:<58} {r['engine']:<10} "
            f"{r['figure']:>8.1f} {r['unit']:<4}{base:>22} {ratio:>8}  {r['target']}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, under 3 minutes")
    parser.add_argument("--engine", action="append", choices=["sqlite", "postgresql"])
    parser.add_argument("--only", action="append", choices=["awards", "reporting"])
    parser.add_argument("--out", default="build/bench.json")
    args = parser.parse_args(argv)
    size = SIZES["quick" if args.quick else "full"]
    engines = args.engine or ["postgresql", "sqlite"]
    only = args.only or ["awards", "reporting"]
    started, rows = time.time(), []
    info = machine()
    if "awards" in only and shutil.which("wrk") is None:
        print("wrk is missing (apt-get install -y wrk): award scenarios skipped", flush=True)
        only = [part for part in only if part != "awards"]
    for engine in engines:
        if "awards" in only:
            rows += throughput.award_throughput(engine, size["seconds"])
            print(table(rows), flush=True)
        if "reporting" in only:
            rows += reporting.reporting(engine, size["people"], size["lines"], size["repeats"])
    print(table(rows))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "mode": "quick" if args.quick else "full",
                "machine": info,
                "seconds": round(time.time() - started),
                "rows": rows,
            },
            indent=2,
            default=str,
        )
    )
    print(f"\n{len(rows)} figures in {time.time() - started:.0f} s; written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
