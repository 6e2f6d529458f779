"""Leaderboards computed from the append-only award lines: no reset ever destroys history."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select

from ledger.db import db
from ledger.documents import user_reference
from ledger.models import DIRECTIONS, AwardLine, Reversal, User

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
) -> list[dict]:
    """Rank the people who received points in the window; `members` limits the scope.

    Competition ranking ("1224") on the metric, then points, awards and customers, all
    descending; people equal on all four share a rank and are listed by name, then id.
    """
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}")
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
        if not members:
            return []
        query = query.where(line.recipient_id.in_(list(members)))
    rows = db.session.execute(query).all()
    people = {
        user.id: user
        for user in db.session.scalars(
            select(User).where(User.id.in_([row.recipient_id for row in rows]))
        )
    }

    def score(row) -> tuple[int, int, int, int]:
        return (getattr(row, metric), row.points, row.awards, row.customers)

    ordered = sorted(
        rows,
        key=lambda row: (
            tuple(-value for value in score(row)),
            people[row.recipient_id].name,
            row.recipient_id,
        ),
    )
    ranked = []
    previous = None
    for position, row in enumerate(ordered, start=1):
        if score(row) != previous:
            rank, previous = position, score(row)
        ranked.append(
            {
                "rank": rank,
                "user": user_reference(people[row.recipient_id]),
                "points": int(row.points),
                "awards": int(row.awards),
                "customers": int(row.customers),
                "by_direction": {name: int(getattr(row, name)) for name in DIRECTIONS},
            }
        )
    return ranked
