"""Who and when an insight covers: a scope within the caller's reach, the last few periods."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, select

from ledger import calendar, settings
from ledger.db import db
from ledger.errors import NotFound
from ledger.i18n import N_
from ledger.models import AwardLine, Department, Reversal, User
from ledger.periods import current_period_key
from ledger.queries.leaderboard import Window
from ledger.queries.org import subtree
from ledger.queries.scopes import covers, departments_in_reach, leaderboard_members, window_for

DEFAULT_PERIODS = 3


@dataclass(frozen=True)
class InsightScope:
    """The people an insight covers (None: the whole company) and its window."""

    scope: str
    members: set[int] | None
    window: Window

    def received(self, query: Select) -> Select:
        """Narrow a select over award lines to the unreversed ones the scope received in the
        window."""
        query = query.outerjoin(Reversal, Reversal.award_id == AwardLine.award_id).where(
            Reversal.id.is_(None),
            AwardLine.created_at >= self.window.since,
            AwardLine.created_at < self.window.until,
        )
        if self.members is not None:
            query = query.where(AwardLine.recipient_id.in_(sorted(self.members) or [0]))
        return query

    def people(self) -> list[User]:
        """Return the active people (not bots or service accounts) in the scope, by name."""
        query = select(User).where(User.kind == "person", User.active.is_(True))
        if self.members is not None:
            query = query.where(User.id.in_(sorted(self.members) or [0]))
        return list(db.session.scalars(query.order_by(User.name, User.id)))


def default_scope(viewer: User) -> str:
    """Return the caller's whole reach: the company for an admin, else their subtree."""
    return "company" if viewer.role == "admin" else f"team:{viewer.id}"


def insight_scope(
    viewer: User,
    *,
    now: datetime,
    scope: str | None = None,
    period: str | None = None,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    periods: int = DEFAULT_PERIODS,
) -> InsightScope:
    """Resolve an insight's scope and window as the viewer may see them.

    The scope (default: the viewer's whole reach) takes the leaderboard's forms and must lie
    within the viewer's reach (404 otherwise); the window comes from a period key or
    since/until, else it spans the last `periods` periods up to the end of the current one.
    """
    scope = scope or default_scope(viewer)
    members = leaderboard_members(scope, viewer, manage=True)
    if not covers(viewer, members):
        raise NotFound(N_("No such scope within your reach."))
    if period is None and since is None and until is None:
        keys = period_keys_back(now, periods)
        zone = settings.timezone()
        window = Window(
            calendar.period_bounds(keys[0], zone)[0], calendar.period_bounds(keys[-1], zone)[1]
        )
    else:
        window = window_for(now=now, period=period, since=since, until=until)
    return InsightScope(scope, members, window)


def period_keys_back(now: datetime, count: int) -> list[str]:
    """Return the keys of the current period and the `count - 1` before it, oldest first."""
    keys = [current_period_key(now, settings.timezone())]
    while len(keys) < count:
        keys.append(previous_key(keys[-1]))
    return keys[::-1]


def previous_key(key: str) -> str:
    """Return the key of the period just before `key`, of the same length."""
    first, _ = calendar.period_dates(key)
    day = first - timedelta(days=1)
    if "Q" in key:
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


def scope_choices(viewer: User) -> list[dict]:
    """Return the scopes the viewer may pick, whole reach first: then each team (a manager's
    subtree) and each department within their reach, by name."""
    choices = [{"scope": default_scope(viewer), "kind": "reach", "name": ""}]
    leaders = set(
        db.session.scalars(select(User.manager_id).where(User.manager_id.is_not(None)).distinct())
    )
    if viewer.role != "admin":
        leaders &= subtree(viewer.id)
    for leader in db.session.scalars(
        select(User).where(User.id.in_(leaders - {viewer.id})).order_by(User.name, User.id)
    ):
        choices.append({"scope": f"team:{leader.id}", "kind": "team", "name": leader.name})
    covered = departments_in_reach(viewer)
    for department in db.session.scalars(
        select(Department).where(Department.id.in_(covered)).order_by(Department.name)
    ):
        choices.append(
            {"scope": f"department:{department.id}", "kind": "department", "name": department.name}
        )
    return choices
