"""Reads about periods: progress through the current one, the list, their rules, the picker."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from ledger import calendar, settings
from ledger.db import db
from ledger.models import Period, Policy
from ledger.periods import current_period_key, policy_for


def period_progress(now: datetime) -> dict:
    """Return the current period's key, its last day and the days left in it (today counted)."""
    zone = settings.timezone()
    key = current_period_key(now, zone)
    first, after = calendar.period_dates(key)
    today = calendar.local_date(now, zone)
    return {
        "key": key,
        "first_day": first,
        "last_day": date.fromordinal(after.toordinal() - 1),
        "days_left": (after - today).days,
    }


def periods_overview() -> list[dict]:
    """Return every period opened so far, newest first, with its state."""
    rows = db.session.scalars(select(Period).order_by(Period.starts_at.desc()))
    return [
        {
            "key": period.key,
            "starts_at": period.starts_at,
            "ends_at": period.ends_at,
            "closed_at": period.closed_at,
            "base_allowance": period.base_allowance,
            "manager_boost": period.manager_boost,
            "max_points_per_recipient": period.max_points_per_recipient,
            "pair_cap": period.pair_cap,
        }
        for period in rows
    ]


def recent_period_keys(now: datetime, *, months: int = 12, quarters: int = 4) -> dict:
    """Return recent month and quarter keys, newest first, for a period picker."""
    zone = settings.timezone()
    today = calendar.local_date(now, zone)
    index = today.year * 12 + today.month - 1
    month_keys = [f"{(index - n) // 12}-{(index - n) % 12 + 1:02d}" for n in range(months)]
    quarter_index = today.year * 4 + (today.month - 1) // 3
    quarter_keys = [
        f"{(quarter_index - n) // 4}-Q{(quarter_index - n) % 4 + 1}" for n in range(quarters)
    ]
    return {"months": month_keys, "quarters": quarter_keys}


def award_limits(now: datetime) -> dict:
    """Return the per-recipient maximum and pair cap that an award given now obeys."""
    zone = settings.timezone()
    key = current_period_key(now, zone)
    period = db.session.scalars(select(Period).where(Period.key == key)).first()
    source = period or policy_for(calendar.period_dates(key)[0])
    return {"max_points": source.max_points_per_recipient, "pair_cap": source.pair_cap}


def policy_overview(now: datetime) -> dict:
    """Return the rules of the current period and the newest rules saved (maybe pending)."""
    zone = settings.timezone()
    key = current_period_key(now, zone)
    period = db.session.scalars(select(Period).where(Period.key == key)).first()
    in_force = period or policy_for(calendar.period_dates(key)[0])
    latest = db.session.scalars(
        select(Policy).order_by(Policy.effective_from.desc(), Policy.id.desc()).limit(1)
    ).first()
    newest = latest or policy_for(calendar.period_dates(key)[0])
    return {
        "period": key,
        "current": _rules(in_force, policy_for(calendar.local_date(now, zone)).period_length),
        "latest": _rules(newest, newest.period_length),
        "effective_from": latest.effective_from if latest else None,
    }


def _rules(source, period_length: str) -> dict:
    return {
        "base_allowance": source.base_allowance,
        "manager_boost": source.manager_boost,
        "max_points_per_recipient": source.max_points_per_recipient,
        "pair_cap": source.pair_cap,
        "period_length": period_length,
    }
