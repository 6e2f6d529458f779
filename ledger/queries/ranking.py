"""Competition ranking ("1224") in SQL, shared by every leaderboard.

Rows equal on the ranked metric share a rank; the other metrics only order them within it,
then the name (code point order on both engines), then the id. The database ranks and cuts
the page, so a page of a board over a million lines never loads every person.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Subquery, func, select

from ledger.db import db
from ledger.models import User


def ranked_page(
    totals: Subquery,
    *,
    person: str,
    metric: str,
    within: Sequence[str] = (),
    offset: int = 0,
    limit: int | None = None,
) -> list:
    """Rank the rows of `totals` (one per person, `person` the user id column) on `metric`,
    descending; `within` (descending) orders people who share a rank. Each row comes back
    with its columns, the person's `name` and `email`, and `rank`."""
    by_name = User.name
    if db.engine.dialect.name == "postgresql":
        by_name = by_name.collate("C")  # byte order of UTF-8 = code point order, as SQLite's BINARY
    score = totals.c[metric].desc()
    query = (
        select(totals, User.name, User.email, func.rank().over(order_by=score).label("rank"))
        .join(User, User.id == totals.c[person])
        .order_by(score, *(totals.c[name].desc() for name in within), by_name, User.id)
        .offset(offset)
    )
    if limit is not None:
        query = query.limit(limit)
    return db.session.execute(query).mappings().all()
