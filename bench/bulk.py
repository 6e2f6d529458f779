"""A million award lines, written the way the award service would, then reconciled.

Each award is an operation, the award, its line and the transfer from the giver's
allowance; one grant per giver and month covers what they give. The rows are loaded with
COPY (PostgreSQL) or executemany (SQLite), each balance is then set from the transfers and
`verify` runs, so a generator bug shows up as a reconciliation failure. The leaderboard
rollups are built by their triggers during the load (once per COPY on PostgreSQL) and
`verify` checks them against the lines too.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

DIRECTIONS = ("up", "down", "lateral")
KINDS = ("need", "proactive", "handoff", "lead-time")


def bulk_awards(app, lines: int, *, since: datetime, until: datetime, seed: int = 11) -> float:
    """Append `lines` one-line awards among the directory's people in [since, until).

    Returns the seconds it took, reconciliation included; raises if `verify` finds a problem.
    """
    from ledger.db import db
    from ledger.models import User
    from ledger.periods import ensure_period
    from ledger.reconciliation import verify_ledger

    started = datetime.now(UTC)
    rng = random.Random(seed)
    with app.app_context():
        people = [row[0] for row in db.session.execute(text("SELECT id FROM users ORDER BY id"))]
        assert people, "import people first"
        months = {}

        def period_of(moment: datetime) -> int:
            key = moment.strftime("%Y-%m")
            if key not in months:
                months[key] = ensure_period(key, "UTC").id
            return months[key]

        tables = _generate(db, people, period_of, lines, since, until, rng)
        _load(db, tables)
        _reconcile(db)
        report = verify_ledger(until)
        if not report["ok"]:
            raise RuntimeError(f"bulk data does not reconcile: {report['problems'][:3]}")
        assert db.session.query(User).count() == len(people)
    return (datetime.now(UTC) - started).total_seconds()


def _next_id(db, table: str) -> int:
    return db.session.execute(text(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")).scalar()


def _generate(db, people, period_of, lines, since, until, rng) -> dict[str, list[tuple]]:
    """Rows per table, ids given here; one grant per giver and month covers what they give."""
    span = (until - since).total_seconds()
    op_id, award_id, line_id = (_next_id(db, t) for t in ("operations", "awards", "award_lines"))
    transfer_id, account_id = _next_id(db, "transfers"), _next_id(db, "accounts")
    issuance = db.session.execute(
        text("SELECT id FROM accounts WHERE user_id IS NULL AND kind = 'issuance'")
    ).scalar()
    tables: dict[str, list[tuple]] = {
        name: [] for name in ("operations", "awards", "award_lines", "accounts", "transfers")
    }
    earned, allowance, spent = {}, {}, {}
    for kind, owner, period, number in db.session.execute(
        text("SELECT kind, user_id, period_id, id FROM accounts WHERE user_id IS NOT NULL")
    ):
        if kind == "earned":
            earned[owner] = number
        elif kind == "allowance":
            allowance[(owner, period)] = number
    for _ in range(lines):
        giver, recipient = rng.sample(people, 2)
        moment = since + timedelta(seconds=rng.random() * span)
        period_id = period_of(moment)
        points = rng.randint(1, 10)
        for owner, book, key, kind, period in (
            (recipient, earned, recipient, "earned", None),
            (giver, allowance, (giver, period_id), "allowance", period_id),
        ):
            if key not in book:
                book[key] = account_id
                tables["accounts"].append((account_id, kind, owner, period, True, 0, 0))
                account_id += 1
        source = allowance[(giver, period_id)]
        spent[source] = spent.get(source, 0) + points
        kind = rng.choice(KINDS)
        tables["operations"].append((op_id, "award", "done", 1, moment))
        tables["awards"].append(
            (
                award_id,
                op_id,
                giver,
                giver,
                period_id,
                kind,
                "Thanks for the help with the release.",
                points,
                points,
                moment,
            )
        )
        tables["award_lines"].append(
            (
                line_id,
                award_id,
                recipient,
                giver,
                points,
                rng.choice(DIRECTIONS),
                rng.random() < 0.3,
                kind,
                moment,
            )
        )
        tables["transfers"].append(
            (transfer_id, op_id, source, earned[recipient], points, "award", line_id, moment)
        )
        op_id, award_id, line_id, transfer_id = (
            op_id + 1,
            award_id + 1,
            line_id + 1,
            transfer_id + 1,
        )
    for source, amount in spent.items():  # grants dated at the window's start
        tables["operations"].append((op_id, "grant", "done", 1, since))
        tables["transfers"].append(
            (transfer_id, op_id, issuance, source, amount, "grant", None, since)
        )
        op_id, transfer_id = op_id + 1, transfer_id + 1
    return tables


COLUMNS = {
    "accounts": "id, kind, user_id, period_id, bounded, balance, version",
    "operations": "id, kind, status, transfer_count, created_at",
    "awards": "id, operation_id, giver_id, actor_id, period_id, service_kind, message, "
    "points_per_recipient, points_total, created_at",
    "award_lines": "id, award_id, recipient_id, giver_id, points, direction, cross_department, "
    "service_kind, created_at",
    "transfers": "id, operation_id, debit_account_id, credit_account_id, amount, kind, "
    "award_line_id, created_at",
}


def _naive(row: tuple) -> tuple:
    """Timestamps are stored as naive UTC (see UTCDateTime)."""
    return tuple(
        v.astimezone(UTC).replace(tzinfo=None) if isinstance(v, datetime) else v for v in row
    )


def _load(db, tables) -> None:
    connection = db.session.connection()
    raw = connection.connection.dbapi_connection
    postgres = connection.dialect.name == "postgresql"
    for table in ("accounts", "operations", "awards", "award_lines", "transfers"):
        columns = COLUMNS[table]
        rows = [_naive(row) for row in tables[table]]
        if postgres:
            with (
                raw.cursor() as cursor,
                cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(columns.split(",")))
            raw.cursor().executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})",
                [_sqlite_row(row) for row in rows],
            )
    if postgres:
        for table in COLUMNS:
            connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT MAX(id) FROM {table}))"
            )
    db.session.commit()


def _sqlite_row(row: tuple) -> tuple:
    # SQLAlchemy's SQLite DateTime stores "YYYY-MM-DD HH:MM:SS.ffffff".
    return tuple(v.strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(v, datetime) else v for v in row)


def _reconcile(db) -> None:
    """Set every materialized balance from its transfers, then analyze for the planner."""
    db.session.execute(
        text("""
        UPDATE accounts SET balance = COALESCE((SELECT SUM(amount) FROM transfers
                                                 WHERE credit_account_id = accounts.id), 0)
                                    - COALESCE((SELECT SUM(amount) FROM transfers
                                                 WHERE debit_account_id = accounts.id), 0),
                            version = 1
        WHERE user_id IS NOT NULL""")
    )
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()
