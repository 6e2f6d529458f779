"""Who a viewer may rank or read: leaderboard scopes and reporting windows."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from ledger import calendar, settings
from ledger.db import db
from ledger.errors import Forbidden, NotFound, ValidationFailed
from ledger.models import Department, User
from ledger.postings import current_period_key
from ledger.queries.leaderboard import Window
from ledger.queries.org import is_above, subtree


def leaderboard_members(scope: str, viewer: User, *, manage: bool) -> set[int] | None:
    """Resolve a scope to the people it ranks (None means the whole company).

    Everyone may see `company`, their own department (`department:<own id>` or
    `department`) and their own team (`team`: the people who share their manager).
    `team:<manager id>` is that manager's whole subtree and needs `manage` plus reach
    (the manager is the viewer or below them, or the viewer is an admin).
    """
    kind, _, argument = scope.partition(":")
    if kind == "company" and not argument:
        return None
    if kind == "department":
        department_id = _integer(argument) if argument else viewer.department_id
        if department_id is None or db.session.get(Department, department_id) is None:
            raise NotFound("No such department.")
        if department_id != viewer.department_id and viewer.role != "admin" and not manage:
            raise Forbidden("You may see your own department's leaderboard only.")
        return set(db.session.scalars(select(User.id).where(User.department_id == department_id)))
    if kind == "team" and not argument:
        if viewer.manager_id is None:
            return {viewer.id}
        return set(db.session.scalars(select(User.id).where(User.manager_id == viewer.manager_id)))
    if kind == "team":
        manager_id = _integer(argument)
        if not manage:
            raise Forbidden("Team leaderboards of a whole subtree need the manage scope.")
        if db.session.get(User, manager_id) is None or not can_reach(viewer, manager_id):
            raise NotFound("No such team within your reach.")
        return subtree(manager_id)
    raise ValidationFailed(
        "Scope must be company, department[:<id>], team or team:<manager id>.", field="scope"
    )


def can_reach(viewer: User, user_id: int) -> bool:
    """Tell whether a viewer may see a person's private figures: self, managers above, admins."""
    return viewer.role == "admin" or viewer.id == user_id or is_above(viewer.id, user_id)


def window_for(
    *,
    now: datetime,
    period: str | None = None,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
) -> Window:
    """Turn a period key or a since/until pair into a UTC window; default: the current period.

    A date `since` starts at that local midnight; a date `until` includes that whole day; a
    datetime `until` is exclusive.
    """
    zone = settings.timezone()
    if period is not None:
        if since is not None or until is not None:
            raise ValidationFailed("Give either a period or since/until, not both.")
        if not calendar.is_period_key(period):
            raise ValidationFailed(
                f"{period!r} is not a period: use YYYY-MM or YYYY-Qn.", field="period"
            )
        return Window(*calendar.period_bounds(period, zone))
    if since is None and until is None:
        return Window(*calendar.period_bounds(current_period_key(now, zone), zone))
    start = (
        _instant(since, zone, end=False)
        if since is not None
        else datetime.min.replace(tzinfo=now.tzinfo)
    )
    end = _instant(until, zone, end=True) if until is not None else now + timedelta(seconds=1)
    if end <= start:
        raise ValidationFailed("`until` must come after `since`.", field="until")
    return Window(start, end)


def _instant(value: date | datetime, zone: str, *, end: bool) -> datetime:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValidationFailed("Give datetimes with an offset, e.g. 2026-11-01T00:00:00Z.")
        return value
    return calendar.local_midnight(value + timedelta(days=1) if end else value, zone)


def _integer(text: str) -> int:
    if not text.isdigit() or len(text) > 10 or int(text) > 2**31 - 1:
        raise ValidationFailed(f"{text!r} is not an id.", field="scope")
    return int(text)
