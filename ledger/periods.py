"""Periods: which one holds a moment, its rules (the policy in force), and its row.

The award path asks `period_at(now, lock=True)`: the period row, created from the policy on
first use, under a shared lock that a close waits for.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from ledger import calendar, rules, settings
from ledger.db import db, upsert
from ledger.models import Period, Policy, User


def policy_for(day) -> Policy:
    """Return the policy in force for a period starting on `day` (the defaults if none)."""
    policy = db.session.scalars(
        select(Policy)
        .where(Policy.effective_from <= day)
        .order_by(Policy.effective_from.desc(), Policy.id.desc())
        .limit(1)
    ).first()
    return policy or Policy(
        period_length="month",
        base_allowance=100,
        manager_boost=10,
        max_points_per_recipient=50,
        pair_cap=None,
    )


def current_period_key(now: datetime, zone: str | None = None) -> str:
    """Return the key of the period holding `now` (in the policy's period length)."""
    zone = zone or settings.timezone()
    day = calendar.local_date(now, zone)
    return calendar.period_key(now, zone, policy_for(day).period_length)


def ensure_period(key: str, zone: str, *, lock: bool = False) -> Period:
    """Return the period row, creating it first if missing (rules copied from the policy)."""
    query = select(Period).where(Period.key == key).execution_options(populate_existing=True)
    if lock:
        # A shared lock: awards run side by side, a close waits for them (and they for it).
        query = query.with_for_update(read=True)
    found = db.session.scalars(query).first()
    if found is not None:
        return found  # the common case on the award path: one statement, no policy read
    starts_at, ends_at = calendar.period_bounds(key, zone)
    policy = policy_for(calendar.period_dates(key)[0])
    db.session.execute(
        upsert(
            Period,
            {
                "key": key,
                "starts_at": starts_at,
                "ends_at": ends_at,
                "base_allowance": policy.base_allowance,
                "manager_boost": policy.manager_boost,
                "max_points_per_recipient": policy.max_points_per_recipient,
                "pair_cap": policy.pair_cap,
            },
            ["key"],
        )
    )
    return db.session.scalars(query).one()


def active_reports(user_id: int) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.manager_id == user_id, User.active.is_(True), User.kind == "person")
        )
        or 0
    )


def entitlement(user_id: int, period: Period) -> int:
    """Return the allowance the person is granted for the period (none for bots or leavers)."""
    kind, active = db.session.execute(
        select(User.kind, User.active).where(User.id == user_id)
    ).one()
    return rules.allowance_entitlement(
        period.base_allowance,
        period.manager_boost,
        active_reports(user_id),
        kind=kind,
        active=active,
    )


def period_at(now: datetime, *, lock: bool = False) -> Period:
    """Return the period holding `now` in the configured zone, creating its row if missing."""
    zone = settings.timezone()
    return ensure_period(current_period_key(now, zone), zone, lock=lock)
