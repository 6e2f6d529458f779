"""Standings: one call for a leaderboard as a viewer may see it (window, scope, rows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ledger.models import User
from ledger.queries.leaderboard import Window, leaderboard
from ledger.queries.scopes import ranking_scope, window_for


@dataclass(frozen=True)
class Standings:
    """A ranked window; the rows carry `by_direction` only when `by_direction` is true."""

    window: Window
    rows: list[dict]
    by_direction: bool


def standings(
    viewer: User,
    *,
    now: datetime,
    manage: bool,
    scope: str = "company",
    period: str | None = None,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    metric: str = "points",
    direction: str | None = None,
    service_kind: str | None = None,
    by_direction: bool | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> Standings:
    """Rank the people of a scope in a window, as the viewer may see them.

    The window comes from a period key or since/until (default: the current period); the
    scope and the direction split follow `ranking_scope` (403/404 beyond the viewer's reach).
    `offset` and `limit` page the ranked rows in the database.
    """
    window = window_for(now=now, period=period, since=since, until=until)
    ranking = ranking_scope(scope, viewer, manage=manage, by_direction=by_direction)
    rows = leaderboard(
        window,
        metric=metric,
        members=ranking.members,
        direction=direction,
        service_kind=service_kind,
        offset=offset,
        limit=limit,
    )
    if not ranking.by_direction:
        for row in rows:
            del row["by_direction"]
    return Standings(window, rows, ranking.by_direction)
