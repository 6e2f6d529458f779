"""Close periods: what is left of each allowance expires, and the accounts are sealed."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import insert, or_, select, update

from ledger import calendar
from ledger.db import db
from ledger.errors import NotFound, ValidationFailed
from ledger.i18n import Phrase
from ledger.models import Account, Period, Seal, Transfer
from ledger.operations import Actor, OperationResult, Outcome, run_operation
from ledger.postings import AccountRef, Move, post, system_account

CHUNK = 500  # ids per IN (...) list, well under SQLite's bound-parameter limit


def close_period(
    key: str | None, *, now: datetime, actor: Actor, force: bool = False
) -> list[OperationResult]:
    """Close one period, or every ended period still open; one operation per period."""
    if key is not None:
        if not calendar.is_period_key(key):
            raise ValidationFailed(
                Phrase("{key} is not a period: use YYYY-MM or YYYY-Qn.", key=repr(key))
            )
        period = db.session.scalars(select(Period).where(Period.key == key)).first()
        if period is None:
            raise NotFound(
                Phrase("Period {key} was never opened; there is nothing to close.", key=key)
            )
        if period.ends_at > now and not force:
            raise ValidationFailed(
                Phrase("Period {key} has not ended yet; pass --force to close it early.", key=key)
            )
        keys = [key]
    else:
        keys = list(
            db.session.scalars(
                select(Period.key)
                .where(Period.closed_at.is_(None), Period.ends_at <= now)
                .order_by(Period.starts_at)
            )
        )
    db.session.rollback()
    return [_close_one(period_key, now, actor) for period_key in keys]


def _close_one(key: str, now: datetime, actor: Actor) -> OperationResult:
    def body(ctx):
        # The exclusive lock on the period row waits for awards holding it shared.
        closed = db.session.execute(
            update(Period)
            .where(Period.key == key, Period.closed_at.is_(None))
            .values(closed_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        period_id = db.session.scalar(select(Period.id).where(Period.key == key))
        if not closed:
            return Outcome(
                {"period": key, "already_closed": True, "accounts": 0, "expired": 0}, "period", key
            )
        accounts = expire_allowances(ctx, Account.period_id == period_id)
        document = {
            "period": key,
            "already_closed": False,
            "accounts": len(accounts),
            "expired": sum(row.balance for row in accounts),
        }
        ctx.emit("period.closed", document, "period", key)
        return Outcome(document, "period", key)

    return run_operation("close_period", body, now=now, actor=actor)


def account_digest(account_id: int) -> tuple[int, int, int, str]:
    """Return (balance, version, transfer count, SHA-256) over an account's transfers."""
    rows = db.session.execute(
        select(Transfer.id, Transfer.debit_account_id, Transfer.credit_account_id, Transfer.amount)
        .where(
            or_(Transfer.debit_account_id == account_id, Transfer.credit_account_id == account_id)
        )
        .order_by(Transfer.id)
    ).all()
    digest = hashlib.sha256()
    balance = 0
    for row in rows:
        digest.update(
            f"{row.id}:{row.debit_account_id}:{row.credit_account_id}:{row.amount};".encode()
        )
        balance += row.amount if row.credit_account_id == account_id else -row.amount
    version = db.session.scalar(select(Account.version).where(Account.id == account_id))
    return balance, version, len(rows), digest.hexdigest()


def expire_allowances(ctx, *where) -> list:
    """Expire what is left of the open allowances matching `where`, then close and seal them.

    Shared by period close and deactivation, inside the caller's operation. The accounts are
    locked first, in id order, so an award racing the expiry lands before it or not at all.
    Returns the (id, balance) rows expired.
    """
    accounts = db.session.execute(
        select(Account.id, Account.balance)
        .where(Account.kind == "allowance", Account.closed_at.is_(None), *where)
        .order_by(Account.id)
        .with_for_update()
    ).all()
    if not accounts:
        return accounts
    expired = system_account("expired")
    post(
        ctx,
        [Move(AccountRef(row.id, "allowance"), expired, row.balance, "expiry") for row in accounts],
    )
    ids = [row.id for row in accounts]
    for start in range(0, len(ids), CHUNK):
        db.session.execute(
            update(Account)
            .where(Account.id.in_(ids[start : start + CHUNK]))
            .values(closed_at=ctx.now)
            .execution_options(synchronize_session=False)
        )
    _seal(ctx, ids)
    return accounts


def _seal(ctx, account_ids: list[int]) -> None:
    """Seal closed allowances, so that verify can prove nothing moved in them later."""
    seals = []
    for account_id in account_ids:
        balance, version, count, digest = account_digest(account_id)
        seals.append(
            {
                "account_id": account_id,
                "operation_id": ctx.operation_id,
                "balance": balance,
                "version": version,
                "transfer_count": count,
                "digest": digest,
                "created_at": ctx.now,
            }
        )
    db.session.execute(insert(Seal), seals)
