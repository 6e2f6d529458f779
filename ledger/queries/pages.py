"""Reads the web pages need: the filtered feed, person figures, the recipient picker."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, or_, select, tuple_
from sqlalchemy.orm import selectinload

from ledger import calendar, settings
from ledger.db import db
from ledger.models import (
    DIRECTIONS,
    Award,
    AwardLine,
    Department,
    Period,
    Policy,
    Reversal,
    ServiceKind,
    User,
)
from ledger.postings import current_period_key, policy_for
from ledger.queries.feed import award_documents
from ledger.text import check_text

FEED_PAGE = 20


def people_search(query: str | None = None, *, limit: int = 500) -> list[dict]:
    """Return active people who can receive points, matching a name, email or department."""
    statement = (
        select(User)
        .outerjoin(Department, Department.id == User.department_id)
        .where(User.active.is_(True), User.kind == "person")
        .order_by(User.name, User.id)
        .limit(limit)
    )
    text = (query or "").strip().lower()
    check_text(text, "q")
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_") + "%"
        statement = statement.where(
            or_(
                func.lower(User.name).like(pattern, escape="\\"),
                User.email.like(pattern, escape="\\"),
                func.lower(Department.name).like(pattern, escape="\\"),
            )
        )
    return [_person(user) for user in db.session.scalars(statement)]


def _person(user: User) -> dict:
    return {
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "department": user.department.name if user.department else None,
    }


def departments() -> list[dict]:
    rows = db.session.execute(select(Department.id, Department.name).order_by(Department.name))
    return [{"id": row.id, "name": row.name} for row in rows]


def feed_page(
    *,
    person_id: int | None = None,
    department_id: int | None = None,
    service_kind: str | None = None,
    direction: str | None = None,
    before: int | None = None,
    limit: int = FEED_PAGE,
) -> tuple[list[dict], int | None]:
    """Return a page of awards, newest first, and the award id to continue before."""
    query = select(Award).options(selectinload(Award.lines))
    if person_id is not None:
        received = select(AwardLine.award_id).where(AwardLine.recipient_id == person_id)
        query = query.where(or_(Award.giver_id == person_id, Award.id.in_(received)))
    if department_id is not None:
        members = select(User.id).where(User.department_id == department_id)
        received = select(AwardLine.award_id).where(AwardLine.recipient_id.in_(members))
        query = query.where(or_(Award.giver_id.in_(members), Award.id.in_(received)))
    if service_kind:
        query = query.where(Award.service_kind == service_kind)
    if direction in DIRECTIONS:
        lines = select(AwardLine.award_id).where(AwardLine.direction == direction)
        query = query.where(Award.id.in_(lines))
    if before is not None:
        anchor = db.session.scalar(select(Award.created_at).where(Award.id == before))
        if anchor is not None:
            query = query.where(tuple_(Award.created_at, Award.id) < tuple_(anchor, before))
    query = query.order_by(Award.created_at.desc(), Award.id.desc()).limit(limit + 1)
    awards = list(db.session.scalars(query))
    more = awards[limit:]
    awards = awards[:limit]
    return award_documents(awards), (awards[-1].id if more else None)


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


def person_figures(user_id: int) -> dict:
    """Return what a person received and gave (reversed awards left out) and their mix."""
    live = Reversal.id.is_(None)

    def totals(column):
        row = db.session.execute(
            select(
                func.coalesce(func.sum(AwardLine.points), 0),
                func.count(func.distinct(AwardLine.award_id)),
                func.count(func.distinct(AwardLine.giver_id)),
                func.count(func.distinct(AwardLine.recipient_id)),
            )
            .outerjoin(Reversal, Reversal.award_id == AwardLine.award_id)
            .where(column == user_id, live)
        ).one()
        return {"points": int(row[0]), "awards": row[1], "givers": row[2], "recipients": row[3]}

    return {
        "received": totals(AwardLine.recipient_id),
        "given": totals(AwardLine.giver_id),
        "mix_received": _mix(AwardLine.recipient_id, user_id),
        "mix_given": _mix(AwardLine.giver_id, user_id),
    }


def _mix(column, user_id: int) -> list[dict]:
    """Points by service kind and direction, one row per kind, largest first."""
    rows = db.session.execute(
        select(AwardLine.service_kind, AwardLine.direction, func.sum(AwardLine.points))
        .outerjoin(Reversal, Reversal.award_id == AwardLine.award_id)
        .where(column == user_id, Reversal.id.is_(None))
        .group_by(AwardLine.service_kind, AwardLine.direction)
    ).all()
    kinds: dict[str, dict] = {}
    for kind, direction, points in rows:
        entry = kinds.setdefault(kind, {"kind": kind, **dict.fromkeys(DIRECTIONS, 0), "total": 0})
        entry[direction] += int(points)
        entry["total"] += int(points)
    return sorted(kinds.values(), key=lambda entry: (-entry["total"], entry["kind"]))


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


def service_kinds_all() -> list[dict]:
    """Return every service kind with its state, built-in ones first."""
    rows = db.session.scalars(
        select(ServiceKind).order_by(ServiceKind.builtin.desc(), ServiceKind.id)
    )
    return [
        {
            "code": kind.code,
            "name": kind.name,
            "description": kind.description,
            "builtin": kind.builtin,
            "active": kind.active,
        }
        for kind in rows
    ]


def employee_numbers(user_ids: list[int]) -> dict[int, str]:
    """Return each person's HR employee number, or their Baton id where HR gave none."""
    rows = db.session.execute(
        select(User.id, User.employee_number).where(User.id.in_(user_ids))
    ).all()
    return {row.id: row.employee_number or str(row.id) for row in rows}
