"""Seal the transfers no open transaction can still add to, one chain link per batch."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select, text

from ledger.chain import digest_rows, link_hash, transfers_between
from ledger.db import db
from ledger.errors import LedgerError
from ledger.i18n import N_
from ledger.models import Transfer, TransferSeal
from ledger.operations import Actor, Outcome, run_operation

BATCH = 5_000  # transfers per link, so that no link's row index grows without bound
SEALER_LOCK = 7_311_046  # a PostgreSQL advisory lock taken only by sealers, never by writers


# Transactions in flight when the snapshot was taken and still open. Transaction ids are
# cluster-wide: one that pg_stat_activity shows in another database cannot write our
# transfers, so it is not waited for; one it cannot place (another role's, a prepared
# transaction) is.
STILL_OPEN = """
SELECT count(*) FROM pg_snapshot_xip(CAST(:s AS pg_snapshot)) AS x
 WHERE pg_xact_status(x) = 'in progress'
   AND NOT EXISTS (
       SELECT 1 FROM pg_stat_activity AS a
        WHERE a.backend_xid = xid(x)
          AND a.datid <> (SELECT oid FROM pg_database WHERE datname = current_database()))
"""


class OpenTransactions(LedgerError):
    code = "open_transactions"
    default_message = N_("Transactions open since sealing began did not finish in time.")


@dataclass(frozen=True)
class SealReport:
    links: int
    transfers: int
    last_id: int | None
    head: str | None


def chain_head() -> TransferSeal | None:
    return db.session.scalars(
        select(TransferSeal).order_by(TransferSeal.number.desc()).limit(1)
    ).first()


def postgres_horizon(wait: float) -> int:
    """Return the highest transfer id below which no open transaction can still commit a row.

    Ids come from a sequence at insert time, not at commit: transaction A may hold id 100
    uncommitted while B's id 101 is already visible. So read the sequence first, then the
    set of transactions in flight, and wait until each of those has ended. Every
    transaction that holds an id up to that sequence value had a transaction id when the
    set was read, because Baton's writes insert their operation row before any transfer.
    """
    db.session.rollback()
    sequence = db.session.scalar(text("SELECT pg_get_serial_sequence('transfers', 'id')"))
    last_value, is_called = db.session.execute(
        text(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608  (a catalog name)
    ).one()
    horizon = last_value if is_called else last_value - 1
    snapshot = db.session.scalar(text("SELECT CAST(pg_current_snapshot() AS text)"))
    db.session.rollback()
    deadline = time.monotonic() + wait
    while True:
        open_count = db.session.scalar(text(STILL_OPEN), {"s": snapshot})
        db.session.rollback()
        if not open_count:
            return horizon
        if time.monotonic() > deadline:
            raise OpenTransactions()
        time.sleep(0.02)


def seal_transfers(*, now: datetime, actor: Actor, wait: float = 30.0) -> SealReport:
    """Append links over every transfer up to the safe horizon; one operation per link."""
    on_postgres = db.engine.dialect.name == "postgresql"
    horizon = postgres_horizon(wait) if on_postgres else None
    links = transfers = 0
    last_id = None
    while True:
        head = chain_head()
        after = head.last_id if head else None
        pending = select(func.count()).select_from(Transfer)
        if after is not None:
            pending = pending.where(Transfer.id > after)
        if horizon is not None:
            pending = pending.where(Transfer.id <= horizon)
        db.session.rollback()
        if not db.session.scalar(pending):
            break
        document = run_operation(
            "seal_transfers", lambda ctx: _link(ctx, horizon), now=now, actor=actor
        ).document
        if not document["transfers"]:
            break
        links += 1
        transfers += document["transfers"]
        last_id = document["last_id"]
    head = chain_head()
    db.session.rollback()
    return SealReport(links, transfers, last_id, head.hash if head else None)


def _link(ctx, horizon: int | None) -> Outcome:
    if db.engine.dialect.name == "postgresql":
        # Sealers queue behind each other here; writers never take this lock.
        db.session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": SEALER_LOCK})
    else:
        # BEGIN IMMEDIATE holds the only write lock: nothing is in flight but us.
        horizon = db.session.scalar(select(func.max(Transfer.id)))
    head = chain_head()
    after = head.last_id if head else None
    candidates = select(Transfer.id).order_by(Transfer.id).limit(BATCH)
    if after is not None:
        candidates = candidates.where(Transfer.id > after)
    if horizon is not None:
        candidates = candidates.where(Transfer.id <= horizon)
    ids = db.session.scalars(candidates).all()
    if not ids:
        return Outcome({"transfers": 0, "last_id": after})
    last_id = ids[-1]
    count, rows_digest, row_index, first_id = digest_rows(transfers_between(after, last_id))
    number = head.number + 1 if head else 1
    fields = dict(number=number, first_id=first_id, last_id=last_id, transfer_count=count,
                  rows_digest=rows_digest, row_index=row_index,
                  previous_hash=head.hash if head else None)  # fmt: skip
    db.session.execute(
        insert(TransferSeal).values(
            **fields, hash=link_hash(**fields), operation_id=ctx.operation_id, created_at=ctx.now
        )
    )
    document = {"number": number, "first_id": first_id, "last_id": last_id, "transfers": count}
    return Outcome(document, "transfer_seal", number, document)
