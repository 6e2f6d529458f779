"""Who a viewer may rank or read: leaderboard scopes and reporting windows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from ledger import calendar, settings
from ledger.db import db
from ledger.errors import NotFound, ScopeMissing, ValidationFailed
from ledger.i18n import N_, Phrase
from ledger.models import Department, User
from ledger.periods import current_period_key
from ledger.queries.leaderboard import Window
from ledger.queries.org import is_above, subtree


def leaderboard_members(scope: str, viewer: User, *, manage: bool) -> set[int] | None:
    """Resolve a scope to the people it ranks (None means the whole company).

    Everyone may see `company`, their own department (`department:<own id>` or
    `department`) and their own team (`team`: the people who share their manager).
    Another department needs a reach that covers every member of it (404 otherwise).
    `team:<manager id>` is that manager's whole subtree and needs `manage` plus reach
    (the manager is the viewer or below them, or the viewer is an admin).
    """
    kind, _, argument = scope.partition(":")
    if kind == "company" and not argument:
        return None
    if kind == "department":
        department_id = _integer(argument) if argument else viewer.department_id
        if department_id is None or db.session.get(Department, department_id) is None:
            raise NotFound(N_("No such department."))
        members = set(
            db.session.scalars(select(User.id).where(User.department_id == department_id))
        )
        if department_id != viewer.department_id and not covers(viewer, members):
            raise NotFound(N_("No such department within your reach."))
        return members
    if kind == "team" and not argument:
        if viewer.manager_id is None:
            return {viewer.id}
        return set(db.session.scalars(select(User.id).where(User.manager_id == viewer.manager_id)))
    if kind == "team":
        manager_id = _integer(argument)
        if not manage:
            raise ScopeMissing(N_("Team leaderboards of a whole subtree need the manage scope."))
        if db.session.get(User, manager_id) is None or not can_reach(viewer, manager_id):
            raise NotFound(N_("No such team within your reach."))
        return subtree(manager_id)
    raise ValidationFailed(
        N_("Scope must be company, department[:<id>], team or team:<manager id>."), field="scope"
    )


@dataclass(frozen=True)
class RankingScope:
    """Who a ranking covers (None: the company) and whether it shows the direction split."""

    members: set[int] | None
    by_direction: bool


def ranking_scope(
    scope: str, viewer: User, *, manage: bool, by_direction: bool | None = None
) -> RankingScope:
    """Resolve a leaderboard scope and decide whether its rows show the split by direction.

    The split (up, down, lateral) needs `manage` and a reach that covers everyone the scope
    ranks. Unasked (`by_direction` None) it is shown when allowed; asked for and not
    allowed it is refused: 403 without `manage`, 404 when the scope lies beyond the reach.
    """
    if by_direction and not manage:
        raise ScopeMissing(N_("The split by direction needs the manage scope."))
    members = leaderboard_members(scope, viewer, manage=manage)
    if by_direction is False or not manage:
        return RankingScope(members, False)
    allowed = covers(viewer, members)
    if by_direction and not allowed:
        raise NotFound(N_("The split by direction is only for people within your reach."))
    return RankingScope(members, allowed)


def covers(viewer: User, members: set[int] | None) -> bool:
    """Tell whether every person in `members` (None: the company) is within the viewer's reach.

    Reach is the viewer and everyone under them, or everyone for an admin; service accounts
    and bots, who never receive points, do not count.
    """
    if viewer.role == "admin":
        return True
    reach = subtree(viewer.id) | {viewer.id}
    if members is None:
        beyond = select(User.id).where(User.id.not_in(reach))
    elif members <= reach:
        return True
    else:
        beyond = select(User.id).where(User.id.in_(members - reach))
    return db.session.scalar(beyond.where(User.kind == "person").limit(1)) is None


def departments_in_reach(viewer: User) -> set[int]:
    """Return the departments whose people are all within the viewer's reach (at least one)."""
    if viewer.role == "admin":
        return set(db.session.scalars(select(Department.id)))
    reach = subtree(viewer.id) | {viewer.id}
    people = select(User.department_id, User.id).where(
        User.department_id.is_not(None), User.kind == "person"
    )
    inside: set[int] = set()
    outside: set[int] = set()
    for department_id, user_id in db.session.execute(people):
        (inside if user_id in reach else outside).add(department_id)
    return inside - outside


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
            raise ValidationFailed(N_("Give either a period or since/until, not both."))
        if not calendar.is_period_key(period):
            raise ValidationFailed(
                Phrase("{period} is not a period: use YYYY-MM or YYYY-Qn.", period=repr(period)),
                field="period",
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
        raise ValidationFailed(N_("`until` must come after `since`."), field="until")
    return Window(start, end)


def _instant(value: date | datetime, zone: str, *, end: bool) -> datetime:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValidationFailed(N_("Give datetimes with an offset, e.g. 2026-11-01T00:00:00Z."))
        return value
    return calendar.local_midnight(value + timedelta(days=1) if end else value, zone)


def _integer(text: str) -> int:
    if not text.isdigit() or len(text) > 10 or int(text) > 2**31 - 1:
        raise ValidationFailed(Phrase("{text} is not an id.", text=repr(text)), field="scope")
    return int(text)
