"""Leaderboards computed from the append-only award lines: no reset ever destroys history.

The database groups, ranks and pages: one statement returns the page, already ranked, with
the people's names, so a board over a million lines never loads every recipient.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select

from ledger.models import AwardLine, Reversal
from ledger.queries.ranking import ranked_page
from ledger.rules import DIRECTIONS

METRICS = ("points", "awards", "customers")


@dataclass(frozen=True)
class Window:
    """A half-open time window [since, until) in UTC."""

    since: datetime
    until: datetime


def leaderboard(
    window: Window,
    *,
    metric: str = "points",
    members: Collection[int] | None = None,
    direction: str | None = None,
    service_kind: str | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> list[dict]:
    """Rank the people who received points in the window; `members` limits the scope.

    Competition ranking ("1224", `ranked_page`): people equal on the metric share a rank;
    the other two metrics (points, awards, customers in that order, descending) only order
    them within it, then the name and the id. `offset` and `limit` page the ranked rows.
    """
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}")
    if members is not None and not members:
        return []
    totals = _totals(window, members, direction, service_kind).subquery("totals")
    within = [name for name in METRICS if name != metric]
    rows = ranked_page(
        totals, person="recipient_id", metric=metric, within=within, offset=offset, limit=limit
    )
    return [
        {
            "rank": int(row.rank),
            "user": {"id": row.recipient_id, "name": row.name, "email": row.email},
            "points": int(row.points),
            "awards": int(row.awards),
            "customers": int(row.customers),
            "by_direction": {name: int(row[name]) for name in DIRECTIONS},
        }
        for row in rows
    ]


def _totals(window: Window, members, direction, service_kind):
    """Group the window's unreversed lines per recipient: the figures every board ranks on."""
    line = AwardLine
    by_direction = {
        name: func.sum(case((line.direction == name, line.points), else_=0)) for name in DIRECTIONS
    }
    query = (
        select(
            line.recipient_id,
            func.sum(line.points).label("points"),
            func.count(func.distinct(line.award_id)).label("awards"),
            func.count(func.distinct(line.giver_id)).label("customers"),
            *(total.label(name) for name, total in by_direction.items()),
        )
        .outerjoin(Reversal, Reversal.award_id == line.award_id)
        .where(
            Reversal.id.is_(None), line.created_at >= window.since, line.created_at < window.until
        )
        .group_by(line.recipient_id)
    )
    if direction:
        query = query.where(line.direction == direction)
    if service_kind:
        query = query.where(line.service_kind == service_kind)
    if members is not None:
        query = query.where(line.recipient_id.in_(list(members)))
    return query
