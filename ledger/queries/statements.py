"""Account statements a page at a time: entries oldest first with their running balance."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, func, or_, select

from ledger import settings
from ledger.db import db
from ledger.documents import timestamp
from ledger.models import Account, Period, Transfer
from ledger.periods import current_period_key


def person_account(user_id: int, kind: str, period_key: str | None, now: datetime) -> int | None:
    """Return the id of a person's earned account, or their allowance for a period (default:
    the current one); None if it was never opened."""
    query = select(Account.id).where(Account.user_id == user_id, Account.kind == kind)
    if kind == "allowance":
        key = period_key or current_period_key(now, settings.timezone())
        query = query.join(Period, Period.id == Account.period_id).where(Period.key == key)
    return db.session.scalars(query).first()


def statement_page(account_id: int, *, after_id: int | None, limit: int) -> list[dict]:
    """Return up to `limit` entries after transfer `after_id`, each with the running balance."""
    sign = case((Transfer.credit_account_id == account_id, 1), else_=-1)
    touches = or_(Transfer.debit_account_id == account_id, Transfer.credit_account_id == account_id)
    running = 0
    query = select(
        Transfer.id,
        Transfer.kind,
        Transfer.amount,
        Transfer.memo,
        Transfer.created_at,
        Transfer.award_line_id,
        sign.label("sign"),
    ).where(touches)
    if after_id is not None:
        running = db.session.scalar(
            select(func.coalesce(func.sum(sign * Transfer.amount), 0)).where(
                touches, Transfer.id <= after_id
            )
        )
        query = query.where(Transfer.id > after_id)
    entries = []
    for row in db.session.execute(query.order_by(Transfer.id).limit(limit)):
        running += row.sign * row.amount
        entries.append(
            {
                "id": row.id,
                "kind": row.kind,
                "amount": row.sign * row.amount,
                "balance": int(running),
                "memo": row.memo,
                "award_line_id": row.award_line_id,
                "created_at": timestamp(row.created_at),
            }
        )
    return entries
