"""Balances in O(1) from the materialized rows (statements live in ledger.queries.statements)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, case, func, or_, select

from ledger import rules, settings
from ledger.calendar import period_bounds
from ledger.db import db
from ledger.errors import NotFound
from ledger.i18n import Phrase
from ledger.models import Account, Period, Transfer, User
from ledger.periods import active_reports, current_period_key, policy_for


def balances(user_id: int, now: datetime) -> dict:
    """Return a person's balances for the period holding `now`; reads never write."""
    zone = settings.timezone()
    key = current_period_key(now, zone)
    period = db.session.scalars(select(Period).where(Period.key == key)).first()
    allowance = None
    if period is not None:
        allowance = db.session.scalars(
            select(Account).where(
                Account.user_id == user_id,
                Account.kind == "allowance",
                Account.period_id == period.id,
            )
        ).first()
    person = db.session.execute(select(User.kind, User.active).where(User.id == user_id)).first()
    if person is None:
        raise NotFound(Phrase("There is no user {user_id}.", user_id=user_id))
    if not rules.holds_allowance(person.kind, person.active):
        # Bots, service accounts and people who left give nothing: 0 of 0, not a full allowance.
        total = remaining = 0
    elif allowance is not None:
        total = _credited(allowance.id)
        remaining = allowance.balance
    else:
        # Before the grant, show the entitlement the first write will grant.
        if period is not None:
            base, boost = period.base_allowance, period.manager_boost
        else:
            policy = policy_for(period_bounds(key, zone)[0].date())
            base, boost = policy.base_allowance, policy.manager_boost
        total = remaining = rules.allowance_entitlement(base, boost, active_reports(user_id))
    earned = db.session.scalars(
        select(Account).where(Account.user_id == user_id, Account.kind == "earned")
    ).first()
    return {
        "period": key,
        "allowance_total": total,
        "allowance_remaining": remaining,
        "earned_unconverted": earned.balance if earned else 0,
        "earned_lifetime": _received(earned.id) if earned else 0,
    }


def _credited(account_id: int) -> int:
    """Points granted or topped up into an allowance (what it started with)."""
    return db.session.scalar(
        select(func.coalesce(func.sum(Transfer.amount), 0)).where(
            Transfer.credit_account_id == account_id, Transfer.kind.in_(("grant", "top_up"))
        )
    )


def _received(account_id: int) -> int:
    """Points received by awards, less the awards reversed."""
    signed = case((Transfer.kind == "award", Transfer.amount), else_=-Transfer.amount)
    return db.session.scalar(
        select(func.coalesce(func.sum(signed), 0)).where(
            or_(
                and_(Transfer.credit_account_id == account_id, Transfer.kind == "award"),
                and_(Transfer.debit_account_id == account_id, Transfer.kind == "reversal"),
            )
        )
    )
