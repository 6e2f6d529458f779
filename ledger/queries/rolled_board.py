"""The recipients' board from the monthly rollups: a year reads ~12 rows per person, not
every line.

Used for the points and awards boards without a direction or kind filter. Whole UTC months
of the window come from `recipient_months`; the parts of the window outside them (a
custom range, a period in a zone other than UTC) come from the lines. Distinct customers
cannot be added up across months, so they are counted from the lines, only for the people
the page needs: the page's rows and anyone tied with them on the metric and the other sum,
since customers order such ties (`ranked_page`'s order). One statement ranks and pages.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import case, func, literal, select, union_all

from ledger.db import db
from ledger.id_lists import among
from ledger.models import AwardLine, RecipientMonth, Reversal, User
from ledger.rollups import whole_months
from ledger.rules import DIRECTIONS


def rolled_up_page(
    window, *, metric: str, members: Collection[int] | None, offset: int, limit: int | None
) -> list | None:
    """The ranked page as `ranked_page` returns it, or None when the window holds no whole
    UTC month (the line-based board is as fast then)."""
    months = whole_months(window.since, window.until)
    if months is None:
        return None
    start, end = months
    rolled = select(
        RecipientMonth.recipient_id,
        RecipientMonth.points,
        RecipientMonth.awards,
        RecipientMonth.points_up.label("up"),
        RecipientMonth.points_down.label("down"),
        RecipientMonth.points_lateral.label("lateral"),
    ).where(RecipientMonth.month >= start.date(), RecipientMonth.month < end.date())
    parts = [rolled]
    for since, until in ((window.since, start), (end, window.until)):
        if since < until:
            parts.append(_lines(since, until))
    if members is not None:
        parts = [part.where(among(part.selected_columns[0], members)) for part in parts]
    both = union_all(*parts).subquery("parts")
    totals = (
        select(
            both.c.recipient_id,
            *(func.sum(both.c[name]).label(name) for name in ("points", "awards", *DIRECTIONS)),
        )
        .group_by(both.c.recipient_id)
        .having(func.sum(both.c.awards) > 0)
        .subquery("totals")
    )
    return db.session.execute(_page(totals, window, metric, offset, limit)).mappings().all()


def _lines(since, until):
    """The unreversed lines of [since, until) per recipient, in the rollups' columns."""
    line = AwardLine
    return (
        select(
            line.recipient_id,
            func.sum(line.points).label("points"),
            func.count().label("awards"),
            *(
                func.sum(case((line.direction == name, line.points), else_=0)).label(name)
                for name in DIRECTIONS
            ),
        )
        .outerjoin(Reversal, Reversal.award_id == line.award_id)
        .where(Reversal.id.is_(None), line.created_at >= since, line.created_at < until)
        .group_by(line.recipient_id)
    )


def _page(totals, window, metric: str, offset: int, limit: int | None):
    """Rank on the metric; count customers only for the rows whose (metric, other sum)
    group overlaps the page, then order those fully and keep the page's positions."""
    other = "awards" if metric == "points" else "points"
    first = [totals.c[metric].desc(), totals.c[other].desc()]
    grouped = select(
        totals,
        func.rank().over(order_by=totals.c[metric].desc()).label("rank"),
        (func.rank().over(order_by=first) - 1).label("group_start"),
        func.count().over(order_by=first).label("group_end"),
    ).subquery("grouped")
    candidates = select(grouped)
    if limit is not None:
        candidates = candidates.where(grouped.c.group_start < offset + limit)
    candidates = candidates.where(grouped.c.group_end > offset).cte("candidates")
    line = AwardLine
    customers = (
        select(line.recipient_id, func.count(func.distinct(line.giver_id)).label("customers"))
        .outerjoin(Reversal, Reversal.award_id == line.award_id)
        .where(
            Reversal.id.is_(None),
            line.created_at >= window.since,
            line.created_at < window.until,
            line.recipient_id.in_(select(candidates.c.recipient_id)),
        )
        .group_by(line.recipient_id)
        .subquery("customers")
    )
    by_name = User.name
    if db.engine.dialect.name == "postgresql":
        by_name = by_name.collate("C")  # code point order, as SQLite's BINARY
    counted = func.coalesce(customers.c.customers, literal(0))
    order = [candidates.c[metric].desc(), candidates.c[other].desc(), counted.desc(), by_name,
             User.id]  # fmt: skip
    position = func.min(candidates.c.group_start).over() + func.row_number().over(order_by=order)
    placed = (
        select(candidates, counted.label("customers"), User.name, User.email,
               (position - 1).label("position"))
        .join(User, User.id == candidates.c.recipient_id)
        .outerjoin(customers, customers.c.recipient_id == candidates.c.recipient_id)
        .subquery("placed")
    )  # fmt: skip
    query = select(placed).where(placed.c.position >= offset).order_by(placed.c.position)
    if limit is not None:
        query = query.where(placed.c.position < offset + limit)
    return query
