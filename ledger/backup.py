"""Export the whole database as JSON Lines and import it into a fresh one, ids included."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Table, func, insert, select, update

from ledger.db import db, write_transaction
from ledger.errors import ValidationFailed
from ledger.health import migration_heads
from ledger.i18n import N_
from ledger.models import APPEND_ONLY_TABLES
from ledger.models.types import UTCDateTime

FORMAT = "baton-export"
VERSION = 1
CHUNK = 1000
# With no one in the directory and no operation, the database holds at most what the
# migrations seeded (built-in service kinds, system accounts): the import replaces those.
EMPTY_WHEN_FRESH = ("users", "operations", *APPEND_ONLY_TABLES)


class ImportRefused(ValidationFailed):
    code = "import_refused"
    default_message = N_("The export cannot be imported here.")


def tables() -> list[Table]:
    """Every table of the models, parents before children, so new tables are never left out."""
    return list(db.metadata.sorted_tables)


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _decoder(table: Table) -> dict[str, Any]:
    decoders: dict[str, Any] = {}
    for column in table.columns:
        if isinstance(column.type, UTCDateTime):
            decoders[column.name] = datetime.fromisoformat
        elif isinstance(column.type, Date):
            decoders[column.name] = date.fromisoformat
    return decoders


def export_lines() -> Iterator[str]:
    """Yield the header, one line per row of every table in id order, then the counts."""
    db.session.rollback()
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        # One snapshot for every table, so the export is one consistent moment.
        connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
    revision = ",".join(sorted(_current_heads()))
    names = [table.name for table in tables()]
    yield _line({"format": FORMAT, "version": VERSION, "schema": revision, "tables": names})
    counts: dict[str, int] = {}
    for table in tables():
        counts[table.name] = 0
        query = select(table).order_by(*table.primary_key.columns)
        for row in db.session.execute(query.execution_options(yield_per=CHUNK)).mappings():
            counts[table.name] += 1
            yield _line({"t": table.name, "r": {key: _encode(v) for key, v in row.items()}})
    yield _line({"end": counts})
    db.session.rollback()


def _line(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"


def _current_heads() -> set[str]:
    from alembic.runtime.migration import MigrationContext

    return set(MigrationContext.configure(db.session.connection()).get_current_heads())


def import_lines(lines: Iterable[str]) -> dict[str, int]:
    """Load an export into a database only `init-db` has touched; all or nothing."""
    stream = iter(lines)
    header = _parse(next(stream, ""), 1)
    if header.get("format") != FORMAT or header.get("version") != VERSION:
        raise ImportRefused("This is not a Baton export (version 1).")
    expected = ",".join(sorted(migration_heads()))
    if header.get("schema") != expected:
        raise ImportRefused(
            f"The export is of schema {header.get('schema')}, this database of {expected}: "
            "import it with the Baton release that wrote it."
        )
    by_name = {table.name: table for table in tables()}

    def work() -> dict[str, int]:
        _require_fresh(by_name)
        return _load(stream, by_name)

    return write_transaction(work, attempts=1)


def _parse(raw: str, number: int) -> dict[str, Any]:
    try:
        document = json.loads(raw)
    except ValueError as error:
        raise ImportRefused(f"Line {number} is not JSON.") from error
    if not isinstance(document, dict):
        raise ImportRefused(f"Line {number} is not a JSON object.")
    return document


def _require_fresh(by_name: dict[str, Table]) -> None:
    for name in EMPTY_WHEN_FRESH:
        if db.session.scalar(select(func.count()).select_from(by_name[name])):
            raise ImportRefused(
                f"The database already holds {name}: import only into one that only "
                "`flask ledger init-db` has touched."
            )
    for table in reversed(tables()):
        db.session.execute(table.delete())  # the migrations' seed rows; the export has them


def _load(stream: Iterator[str], by_name: dict[str, Table]) -> dict[str, int]:
    counts = {name: 0 for name in by_name}
    pending: list[dict[str, Any]] = []
    current: Table | None = None
    for number, raw in enumerate(stream, start=2):
        document = _parse(raw, number)
        if "end" in document:
            _flush(current, pending)
            if document["end"] != counts:
                raise ImportRefused("The row counts at the end do not match the rows read.")
            _after_load(by_name)
            return counts
        table = by_name.get(document.get("t"))
        row = document.get("r")
        if table is None or not isinstance(row, dict) or set(row) - set(table.columns.keys()):
            raise ImportRefused(f"Line {number} names an unknown table or column.")
        if table is not current:
            _flush(current, pending)
            current = table
        decoders = _decoder(table)
        try:
            pending.append(
                {k: decoders[k](v) if k in decoders and v else v for k, v in row.items()}
            )
        except (TypeError, ValueError) as error:
            raise ImportRefused(f"Line {number} has a value of the wrong kind.") from error
        counts[table.name] += 1
        if len(pending) >= CHUNK:
            _flush(current, pending)
    raise ImportRefused("The export ends early: its last line, with the counts, is missing.")


def _self_references(table: Table) -> list[str]:
    return [key.parent.name for key in table.foreign_keys if key.column.table is table]


def _flush(table: Table | None, rows: list[dict[str, Any]]) -> None:
    if table is None or not rows:
        return
    # A row may name a later row of its own table (a manager added after their report):
    # insert those references empty, then fill them in once every row is there.
    later = _self_references(table)
    db.session.execute(insert(table), [{**row, **dict.fromkeys(later)} for row in rows])
    for column in later:
        for row in rows:
            if row.get(column) is not None:
                key = {column_.name: row[column_.name] for column_ in table.primary_key.columns}
                db.session.execute(update(table).filter_by(**key).values({column: row[column]}))
    rows.clear()


def _after_load(by_name: dict[str, Table]) -> None:
    if db.session.connection().dialect.name != "postgresql":
        return  # SQLite hands out max(id) + 1 by itself
    for name, table in by_name.items():
        if "id" not in table.columns:
            continue
        highest = select(func.max(table.c.id)).scalar_subquery()
        sequence = func.pg_get_serial_sequence(name, "id")
        db.session.execute(
            select(func.setval(sequence, func.coalesce(highest, 1), highest.is_not(None)))
        )


def copy_sqlite(target: str) -> None:
    """Copy the live SQLite database to `target` with SQLite's online backup API."""
    import sqlite3

    engine = db.engine
    if engine.dialect.name != "sqlite":
        raise ValidationFailed(
            "backup copies SQLite databases; for PostgreSQL use pg_dump (docs/operations.md)."
        )
    source = engine.raw_connection()
    try:
        with sqlite3.connect(target) as destination:
            source.driver_connection.backup(destination)
        destination.close()
    finally:
        source.close()
