"""The layout stays readable: the README's layout table matches the folders (every path it names
exists, every package and top-level module has its row), and no module of the code outside
migrations and tests grows past MAX_LINES (STYLE.md: split a module by concern before then)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ROW = re.compile(r"^\| `([^`]+)` \| (.*) \|$")
# Issue 10 asks for "about 250": ten lines of slack, so that one added function does not force
# a split in the middle of another change; past it, split the module by concern.
MAX_LINES = 260
SKIPPED = {"migrations", "tests", ".venv", "node_modules", "build"}
NAMED = re.compile(r"`(\w[\w./-]*(?:/|\.py))`")  # a URL path starts with /


def layout_rows(readme: str) -> dict[str, str]:
    """Return the layout table's rows: path to what the row says lives there."""
    section = readme.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    return {
        match.group(1): match.group(2)
        for match in map(ROW.match, section.splitlines())
        if match is not None
    }


def layout_problems(rows: dict[str, str], root: Path) -> list[str]:
    """Name each path the table names that is missing, and each package it leaves out."""
    problems = []
    for path, text in rows.items():
        if not (root / path).exists():
            problems.append(f"the row {path} names nothing")
            continue
        base = root / path if (root / path).is_dir() else root
        for named in NAMED.findall(text):
            if not ((root / named).exists() or (base / named).exists()):
                problems.append(f"the row {path} names {named}, which is not there")
    listed = {path.rstrip("/") for path in rows}
    code = [entry.parent.name for entry in root.glob("*/__init__.py")]
    code += [entry.name for entry in root.glob("*.py")]
    problems += [f"{name} has no row" for name in sorted(code) if name not in listed]
    return problems


def test_the_readme_layout_table_matches_the_folders():
    rows = layout_rows((ROOT / "README.md").read_text())
    assert len(rows) > 5
    assert layout_problems(rows, ROOT) == []


def test_a_missing_folder_or_an_unlisted_package_is_caught(tmp_path):
    """Negative control: the check fails on a table that names what is not there."""
    (tmp_path / "ledger" / "models").mkdir(parents=True)
    (tmp_path / "ledger" / "__init__.py").touch()
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "__init__.py").touch()
    rows = {"ledger/": "models (`models/`), periods (`periods.py`)", "gone/": "nothing"}
    assert layout_problems(rows, tmp_path) == [
        "the row ledger/ names periods.py, which is not there",
        "the row gone/ names nothing",
        "shop has no row",
    ]


def oversized_modules(root: Path, limit: int = MAX_LINES) -> list[str]:
    """Name each Python module outside migrations and tests that is longer than `limit` lines."""
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if SKIPPED.intersection(relative.parts[:-1]) or relative.parts[0].startswith("."):
            continue
        lines = len(path.read_text().splitlines())
        if lines > limit:
            found.append(f"{relative} has {lines} lines")
    return found


def test_no_module_outside_migrations_and_tests_is_over_the_limit():
    assert oversized_modules(ROOT) == []


def test_a_long_module_is_caught_but_tests_and_migrations_are_not(tmp_path):
    """Negative control: one line over the limit is named; the same file in tests/ is not."""
    long_module = "x = 1\n" * (MAX_LINES + 1)
    for folder in ("ledger", "tests", "migrations/versions"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "big.py").write_text(long_module)
    (tmp_path / "ledger" / "fits.py").write_text("x = 1\n" * MAX_LINES)
    assert oversized_modules(tmp_path) == [f"ledger/big.py has {MAX_LINES + 1} lines"]
