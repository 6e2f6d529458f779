"""Check the proving tests' figures against their floors, and write docs/GUARANTEES.md.

    python -m ops.guarantees check   # fail on a violation or a figure below its floor
    python -m ops.guarantees write   # rewrite docs/GUARANTEES.md from build/guarantees/
    python -m ops.guarantees files   # the test files that prove something (for `make guarantees`)

The tests write their figures with `tests.figures.write_figure`; the promises, their
figures and the floors live in ops/guarantees.json.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CATALOG = Path(__file__).with_name("guarantees.json")
FIGURES = ROOT / "build" / "guarantees"
DOCUMENT = ROOT / "docs" / "GUARANTEES.md"
# A figure that needs PostgreSQL may be missing on a machine without it, unless CI demands it.
REQUIRED = {"postgres": "BATON_REQUIRE_POSTGRES"}


def catalog() -> dict[str, Any]:
    return json.loads(CATALOG.read_text())


def gather(folder: Path = FIGURES) -> dict[str, dict[str, Any]]:
    """Sum each figure's parts: counts added up, violations added up, tests listed."""
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("*/*.json")):
        part = json.loads(path.read_text())
        figure = found.setdefault(
            path.parent.name,
            {"counts": {}, "violations": 0, "parts": 0, "tests": [], "written": 0.0},
        )
        figure["parts"] += 1
        figure["violations"] += int(part["violations"])
        figure["written"] = max(figure["written"], path.stat().st_mtime)
        if part["test"] and part["test"] not in figure["tests"]:
            figure["tests"].append(part["test"])
        for name, value in part["counts"].items():
            figure["counts"][name] = figure["counts"].get(name, 0) + int(value)
    return found


def problems(
    figures: dict[str, dict[str, Any]], entries: dict[str, Any], env=os.environ
) -> tuple[list[str], list[str]]:
    """Return (failures, notes): violations, missing figures and figures below their floor."""
    failures, notes = [], []
    for name, figure in sorted(figures.items()):
        if figure["violations"]:
            failures.append(f"{name}: {figure['violations']} violation(s) ({figure['tests']})")
    for name, entry in sorted(entries.items()):
        figure = figures.get(name)
        if figure is None:
            needs = entry.get("needs")
            if needs and env.get(REQUIRED[needs]) != "1":
                notes.append(f"{name}: not run (needs {needs}; {REQUIRED[needs]}=1 demands it)")
            else:
                failures.append(
                    f"{name}: no figure written by {entry['test']} (skipped or failed?)"
                )
            continue
        for count, floor in sorted(entry["floor"].items()):
            value = figure["counts"].get(count, 0)
            if value < floor:
                failures.append(f"{name}: {count} {value} is below its floor {floor}")
    return failures, notes


def check(folder: Path = FIGURES) -> int:
    failures, notes = problems(gather(folder), catalog()["figures"])
    for note in notes:
        print(f"guarantees: {note}")
    for failure in failures:
        print(f"guarantees: FAIL {failure}", file=sys.stderr)
    if not failures:
        print(f"guarantees: every figure meets its floor, 0 violations ({folder})")
    return 1 if failures else 0


def describe(counts: dict[str, int]) -> str:
    return ", ".join(f"{name.replace('_', ' ')} {value}" for name, value in counts.items())


def render(figures: dict[str, dict[str, Any]], data: dict[str, Any]) -> str:
    """The document: each promise, the figures that prove it, and its negative controls."""
    newest = max((figure["written"] for figure in figures.values()), default=0)
    moment = datetime.fromtimestamp(newest, UTC).strftime("%Y-%m-%d %H:%M UTC") if newest else "—"
    lines = [
        "# What Baton guarantees",
        "",
        "<!-- Written by `make guarantees` (ops/guarantees.py) from the figures the tests leave",
        "     under build/guarantees/; edit ops/guarantees.json, not this file. -->",
        "",
        "Each promise below names the tests that prove it, what they did in the last run and",
        "what they found, and the negative control: a deliberately broken variant on which the",
        "same test goes red, so a green run means something. `make test` fails when a figure",
        "falls below its floor in ops/guarantees.json or shows a single violation. The figures",
        "come from `make guarantees` (hypothesis `dev` profile unless HYPOTHESIS_PROFILE=ci, which",
        "runs more model examples); a figure on PostgreSQL needs BATON_TEST_POSTGRES_URL.",
        "",
        f"Last run: {moment}.",
    ]
    for promise in data["promises"]:
        lines += ["", f"## {promise['promise']}", "", promise["how"], promise["violation"], ""]
        lines += [
            "| figure | test | last run | floor | violations |",
            "| --- | --- | --- | --- | --- |",
        ]
        for name in promise["figures"]:
            entry = data["figures"][name]
            figure = figures.get(name)
            ran = describe(figure["counts"]) if figure else "not run"
            if figure and figure["parts"] > 1:
                ran += f" ({figure['parts']} tests)"
            broken = figure["violations"] if figure else "—"
            lines.append(
                f"| {name} | `{entry['test']}` | {ran} | {describe(entry['floor'])} | {broken} |"
            )
        lines += ["", "Negative controls:", ""]
        lines += [f"- `{control}`" for control in promise["controls"]]
    return "\n".join(lines) + "\n"


def write(folder: Path = FIGURES, document: Path = DOCUMENT) -> int:
    document.write_text(render(gather(folder), catalog()))
    print(f"guarantees: wrote {document.relative_to(ROOT)}")
    return 0


def files() -> int:
    data = catalog()
    tests = {entry["test"] for entry in data["figures"].values()}
    tests |= {control.split("::")[0] for p in data["promises"] for control in p["controls"]}
    print(" ".join(sorted(tests)))
    return 0


def main(argv: list[str]) -> int:
    commands = {"check": check, "write": write, "files": files}
    if len(argv) != 1 or argv[0] not in commands:
        print(__doc__, file=sys.stderr)
        return 2
    return commands[argv[0]]()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
