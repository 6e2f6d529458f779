"""The HR import: read CSV or JSON rows and upsert people by email, all or nothing.

Rows carry `email, name, department, manager_email, role[, employee_number, active,
slack_user_id]`; a CSV
header names at least the first five. `email` and `name` may not be blank; a blank (or, in
JSON, absent) `department` or `manager_email` means none; a blank `role` keeps the person's
role (new people are employees); a blank or absent `employee_number`, `active` or
`slack_user_id` keeps what is there (new people are active). Managers may appear anywhere in
the file or already be in the directory. CSV rows are numbered by their line in the file (the
header is line 1), JSON rows from 1.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from ledger.errors import ValidationFailed
from ledger.i18n import Phrase
from ledger.imports.apply import apply_plan
from ledger.imports.plan import Plan, make_plan
from ledger.operations import Actor, Outcome, run_operation

COLUMNS = ("email", "name", "department", "manager_email", "role", "employee_number", "active",
           "slack_user_id")  # fmt: skip
REQUIRED_COLUMNS = ("email", "name", "department", "manager_email", "role")
MAX_ROWS = 100_000


class ImportRejected(ValidationFailed):
    """The file has bad rows; nothing was written. `details["report"]` names each row."""


def import_users(
    rows: Sequence[tuple[int, Mapping[str, Any]]],
    *,
    now: datetime,
    actor: Actor,
    dry_run: bool = False,
) -> dict[str, Any]:
    """Upsert people from numbered rows (see read_csv / read_json) and return the report.

    The report is `{"ok", "dry_run", "counts": {created, updated, unchanged, error},
    "rows": [{"row", "email", "status", "changes"?, "reason"?}]}`. If any row is bad,
    raises ImportRejected carrying that report and writes nothing; a dry run writes
    nothing either way.
    """
    if len(rows) > MAX_ROWS:
        raise ValidationFailed(
            Phrase("An import holds at most {MAX_ROWS} rows.", MAX_ROWS=MAX_ROWS)
        )
    if dry_run:
        plan = make_plan(rows, actor)
        _raise_if_bad(plan, dry_run=True)
        return plan.report(dry_run=True)

    def body(ctx):
        plan = make_plan(rows, actor)
        _raise_if_bad(plan, dry_run=False)
        apply_plan(ctx, plan, now)
        report = plan.report(dry_run=False)
        return Outcome(report, "import", None, {"counts": report["counts"]})

    return run_operation("import_users", body, now=now, actor=actor).document


def import_file(
    data: bytes, *, content_type: str, now: datetime, actor: Actor, dry_run: bool = False
) -> dict[str, Any]:
    """Read a CSV or JSON file's bytes and import it (see import_users)."""
    rows = read_json(data) if "json" in content_type.lower() else read_csv(data)
    return import_users(rows, now=now, actor=actor, dry_run=dry_run)


def read_csv(data: bytes) -> list[tuple[int, dict[str, Any]]]:
    """Parse UTF-8 CSV with a header row into (line, row) pairs; refuse a malformed file.

    A row is numbered by the line it starts on. The reader is strict: an unterminated quote
    or text after a closing quote refuses the whole file, since a lenient reader would
    silently swallow the following rows into one cell.
    """
    records = _records(_decode(data))
    line, header = next(records, (1, None))
    if header is None:
        _reject(1, "The file is empty; it needs a header row.")
    names = [name.strip().lower() for name in header]
    unknown = [name for name in names if name not in COLUMNS]
    if unknown:
        _reject(line, f"Unknown column {unknown[0]!r}; columns are {', '.join(COLUMNS)}.")
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        _reject(line, f"The header lacks the required column {missing[0]!r}.")
    if len(set(names)) != len(names):
        _reject(line, "A column is named twice in the header.")
    rows = []
    for line, cells in records:
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(names):
            rows.append((line, {"__error__": "The row has more cells than the header."}))
            continue
        rows.append((line, dict(zip(names, cells, strict=False))))
    return rows


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """Yield (line the record starts on, cells); refuse the file at the first malformed one."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if "unexpected end of data" in str(error):
                _reject(start, f"A quote opened on line {start} is never closed.")
            if reader.line_num > start:
                _reject(
                    start,
                    f"A quote opened on line {start} runs on to line {reader.line_num}, "
                    f"which cannot be read: {error}.",
                )
            _reject(start, f"Line {start} cannot be read as CSV: {error}.")
        yield start, cells


def read_json(data: bytes | Mapping | list) -> list[tuple[int, dict[str, Any]]]:
    """Parse `{"rows": [...]}` (or a bare list) into (index, row) pairs counted from 1."""
    if isinstance(data, bytes | str):
        text = _decode(data) if isinstance(data, bytes) else data
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            _reject(error.lineno, f"The JSON cannot be read: {error.msg} at line {error.lineno}.")
        except (ValueError, RecursionError):
            # Python refuses integers of more than 4,300 digits and very deep nesting.
            _reject(1, "The JSON cannot be read: a number is too long or it nests too deeply.")
    items = data.get("rows") if isinstance(data, Mapping) else data
    if not isinstance(items, list):
        _reject(1, 'Send {"rows": [...]} with one object per person.')
    rows = []
    for index, item in enumerate(items, start=1):
        if not isinstance(item, Mapping):
            rows.append((index, {"__error__": "A row must be an object."}))
            continue
        unknown = sorted(str(key) for key in item if key not in COLUMNS)
        if unknown:
            rows.append((index, {"__error__": f"Unknown field {unknown[0]!r}."}))
            continue
        rows.append((index, dict(item)))
    return rows


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        _reject(
            line, f"Line {line} is not valid UTF-8 (byte {error.start}); save the file as UTF-8."
        )
    raise AssertionError("unreachable")  # pragma: no cover


def _reject(row: int, reason: str) -> None:
    report = {
        "ok": False,
        "dry_run": False,
        "counts": {"created": 0, "updated": 0, "unchanged": 0, "error": 1},
        "rows": [{"row": row, "email": None, "status": "error", "reason": reason}],
    }
    raise ImportRejected(Phrase("Row {row}: {reason}", row=row, reason=reason), report=report)


def _raise_if_bad(plan: Plan, *, dry_run: bool) -> None:
    errors = plan.errors()
    if errors:
        first = errors[0]
        raise ImportRejected(
            Phrase(
                "{errors_count} rows are not valid; nothing was imported. Row {row}: {reason}",
                errors_count=len(errors),
                row=first["row"],
                reason=first["reason"],
            ),
            report=plan.report(dry_run=dry_run),
        )
