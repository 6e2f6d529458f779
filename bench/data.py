"""Databases and data for the benchmarks: create and drop them, people, and a million lines.

PostgreSQL comes from BATON_BENCH_POSTGRES_URL (default: the local server); every run makes
its own database and drops it. The bulk generator writes awards the way the award service
would (an operation, the award, its line, the transfer from the giver's allowance), loads
them with COPY (PostgreSQL) or executemany (SQLite), then sets each balance from the
transfers and runs `verify`, so a generator bug shows up as a reconciliation failure.
"""

from __future__ import annotations

import io
import os
import random
import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DIRECTIONS = ("up", "down", "lateral")
KINDS = ("need", "proactive", "handoff", "lead-time")


def postgres_admin_url() -> str:
    return os.environ.get("BATON_BENCH_POSTGRES_URL", DEFAULT_POSTGRES)


def new_database(engine: str) -> str:
    """Create an empty database and return its SQLAlchemy URL."""
    if engine == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="baton-bench-"))
        return f"sqlite:///{folder / 'bench.sqlite3'}"
    name = f"baton_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(postgres_admin_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return postgres_admin_url().rsplit("/", 1)[0] + f"/{name}"


def drop_database(url: str) -> None:
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    name = url.rsplit("/", 1)[1]
    admin = create_engine(postgres_admin_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def make_app(url: str):
    """A Baton app on `url`, migrated, rate limits off."""
    from flask_migrate import upgrade

    from wsgi import create_app

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "RATELIMIT_ENABLED": False,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
            "BATON_MAIL_NOTIFICATIONS": False,
        }
    )
    with app.app_context():
        upgrade()
    return app


def hr_csv(people: int, *, per_manager: int = 8, departments: int = 20) -> bytes:
    """An HR file: a CEO, then managers of `per_manager` reports each, over departments."""
    out = io.StringIO()
    out.write("email,name,department,manager_email,role\n")
    for index in range(people):
        manager = "" if index == 0 else f"p{(index - 1) // per_manager}@bench.example"
        role = (
            "admin" if index == 0 else ("manager" if index * per_manager < people else "employee")
        )
        out.write(
            f"p{index}@bench.example,Person {index:05d},Dept {index % departments},"
            f"{manager},{role}\n"
        )
    return out.getvalue().encode()


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
