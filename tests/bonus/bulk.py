"""Many award lines fast: the rows the award service writes, appended in bulk, then reconciled.

A bonus run over a big month needs tens of thousands of lines; giving them one by one through
`award_points` would take minutes. `append_awards` writes, per line, what an award writes (an
operation, the award, its line, the allowance → earned transfer), one grant covering them,
and then sets the touched balances from the transfers, so `verify` holds afterwards.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select, text

from ledger.db import db
from ledger.models import Account, Award, AwardLine, Operation, Transfer
from ledger.periods import period_at
from ledger.postings import ensure_earned, system_account

COLUMNS = {
    "operations": ("id", "kind", "status", "transfer_count", "created_at"),
    "awards": ("id", "operation_id", "giver_id", "actor_id", "period_id", "service_kind",
               "message", "points_per_recipient", "points_total", "created_at"),
    "award_lines": ("id", "award_id", "recipient_id", "giver_id", "points", "direction",
                    "cross_department", "service_kind", "created_at"),
    "transfers": ("id", "operation_id", "debit_account_id", "credit_account_id", "amount",
                  "kind", "award_line_id", "created_at"),
}  # fmt: skip


def append_awards(giver_id: int, recipient_ids: list[int], count: int, moment: datetime) -> None:
    """Append `count` one-point awards from the giver, to the recipients in turn, at `moment`.

    The giver must already hold an allowance for `moment`'s period (give once through the
    service first); it is topped up by exactly what these awards spend.
    """
    period = period_at(moment)
    allowance = db.session.scalar(
        select(Account.id).where(
            Account.user_id == giver_id, Account.period_id == period.id, Account.kind == "allowance"
        )
    )
    assert allowance is not None, "give once through the service first"
    earned = {user_id: ensure_earned(user_id).id for user_id in recipient_ids}
    first = {
        model.__tablename__: (db.session.scalar(select(func.max(model.id))) or 0) + 1
        for model in (Operation, Award, AwardLine, Transfer)
    }
    at = moment.astimezone(UTC).replace(tzinfo=None)
    rows: dict[str, list[tuple]] = {table: [] for table in COLUMNS}
    for index in range(count):
        op, award, line, transfer = (first[table] + index for table in COLUMNS)
        recipient = recipient_ids[index % len(recipient_ids)]
        rows["operations"].append((op, "award", "done", 1, at))
        rows["awards"].append((award, op, giver_id, giver_id, period.id, "need",
                               "Thanks for the bulk help.", 1, 1, at))  # fmt: skip
        rows["award_lines"].append((line, award, recipient, giver_id, 1, "lateral", False,
                                    "need", at))  # fmt: skip
        rows["transfers"].append((transfer, op, allowance, earned[recipient], 1, "award",
                                  line, at))  # fmt: skip
    grant_op, grant_transfer = first["operations"] + count, first["transfers"] + count
    rows["operations"].append((grant_op, "grant", "done", 1, at))
    rows["transfers"].append((grant_transfer, grant_op, system_account("issuance").id,
                              allowance, count, "grant", None, at))  # fmt: skip
    _load(rows)
    # The grant and the awards cancel on the allowance; each recipient's earned grows.
    for account_id, delta in [(earned[r], _received(r, recipient_ids, count)) for r in earned]:
        db.session.execute(
            text("UPDATE accounts SET balance = balance + :delta WHERE id = :id"),
            {"delta": delta, "id": account_id},
        )
    db.session.commit()


def _received(recipient: int, recipient_ids: list[int], count: int) -> int:
    position = recipient_ids.index(recipient)
    return len(range(position, count, len(recipient_ids)))


def _load(rows: dict[str, list[tuple]]) -> None:
    connection = db.session.connection()
    raw = connection.connection.dbapi_connection
    postgres = connection.dialect.name == "postgresql"
    for table, columns in COLUMNS.items():
        names = ", ".join(columns)
        if postgres:
            with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows[table]:
                    copy.write_row(row)
            connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT MAX(id) FROM {table}))"
            )
        else:
            marks = ", ".join("?" * len(columns))
            raw.cursor().executemany(
                f"INSERT INTO {table} ({names}) VALUES ({marks})",
                [tuple(_sqlite(value) for value in row) for row in rows[table]],
            )


def _sqlite(value):
    # SQLAlchemy's SQLite DateTime stores "YYYY-MM-DD HH:MM:SS.ffffff".
    return value.strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(value, datetime) else value
