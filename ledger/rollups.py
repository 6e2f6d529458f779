"""The leaderboard rollups (`recipient_months`): which whole UTC months a window covers, and
the reconciliation that recomputes every rollup from the award lines."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Date, case, func, select, type_coerce

from ledger.db import db
from ledger.models import AwardLine, RecipientMonth, Reversal
from ledger.rules import DIRECTIONS


def month_of(column):
    """The first day of the UTC month of a (naive UTC) timestamp column, as the triggers do."""
    if db.engine.dialect.name == "postgresql":
        return func.cast(func.date_trunc("month", column), Date)
    return type_coerce(func.date(column, "start of month"), Date)


def whole_months(since: datetime, until: datetime) -> tuple[datetime, datetime] | None:
    """The span of whole UTC months inside [since, until), or None if there is none."""
    since, until = since.astimezone(UTC), until.astimezone(UTC)
    start = datetime(since.year, since.month, 1, tzinfo=UTC)
    if start < since:
        start = _next_month(start)
    end = datetime(until.year, until.month, 1, tzinfo=UTC)
    return (start, end) if start < end else None


def _next_month(moment: datetime) -> datetime:
    return moment.replace(year=moment.year + moment.month // 12, month=moment.month % 12 + 1)


def rollups_agree() -> list[dict[str, Any]]:
    """Recompute every (recipient, month) from the unreversed lines and compare with the
    stored rollup; a rollup of nothing but zeros is the same as no rollup."""
    line = AwardLine
    month = month_of(line.created_at).label("month")
    by_direction = [func.sum(case((line.direction == d, line.points), else_=0)) for d in DIRECTIONS]
    derived = db.session.execute(
        select(
            line.recipient_id,
            month,
            func.sum(line.points),
            func.count(),
            *by_direction,
        )
        .outerjoin(Reversal, Reversal.award_id == line.award_id)
        .where(Reversal.id.is_(None))
        .group_by(line.recipient_id, month)
    ).all()
    expected = {(row[0], _day(row[1])): tuple(int(value) for value in row[2:]) for row in derived}
    figures = (RecipientMonth.points, RecipientMonth.awards, RecipientMonth.points_up,
               RecipientMonth.points_down, RecipientMonth.points_lateral)  # fmt: skip
    stored = {
        (row[0], _day(row[1])): tuple(row[2:])
        for row in db.session.execute(
            select(RecipientMonth.recipient_id, RecipientMonth.month, *figures)
        )
    }
    zero = (0,) * len(figures)
    return [
        {
            "check": "rollup",
            "recipient": key[0],
            "month": key[1].isoformat(),
            "stored": stored.get(key, zero),
            "derived": expected.get(key, zero),
        }
        for key in sorted(expected.keys() | stored.keys())
        if stored.get(key, zero) != expected.get(key, zero)
    ]


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)
