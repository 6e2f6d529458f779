"""Figures the proving tests leave under build/guarantees/, for `ops.guarantees`.

One call at the end of a proving test (before its final assertion, so a violation is
recorded too): `write_figure("race-sqlite", violations=0, threads=32, trials=10)`. A figure
spread over many tests (one per route, say) gives each test its own `part`; the parts are
summed. `make test` compares the figures against the floors in ops/guarantee_floors.json.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

FIGURES = Path(__file__).resolve().parents[1] / "build" / "guarantees"


def write_figure(name: str, *, violations: int, part: str = "all", **counts: int) -> None:
    """Record what one proving test did (threads, trials, kills, examples...) and broke."""
    test = os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" (", 1)[0]
    folder = FIGURES / name
    folder.mkdir(parents=True, exist_ok=True)
    data = {"figure": name, "part": part, "test": test, "violations": violations,
            "counts": counts}  # fmt: skip
    path = folder / (re.sub(r"[^A-Za-z0-9_.-]+", "_", part)[:120] + ".json")
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(json.dumps(data, sort_keys=True, indent=1) + "\n")
    partial.replace(path)  # whole or absent, even with xdist workers writing side by side


def engine() -> str:
    """The current app's database engine, `sqlite` or `postgres`, for per-engine figures."""
    from ledger.db import db

    return "postgres" if db.engine.dialect.name == "postgresql" else "sqlite"
