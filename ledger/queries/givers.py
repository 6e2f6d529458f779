"""The givers' leaderboard: who recognizes others most, by distinct people thanked.

Its own board beside the recipients' one (`leaderboard.py`): the same unreversed award lines,
grouped by giver. SQL `rank()` gives competition ranking ("1224"): people who thanked as many
people share a rank; points and awards given only order them within it.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy import func, select

from ledger.models import AwardLine, Reversal, User
from ledger.queries.leaderboard import Window
from ledger.queries.people import employee_numbers
from ledger.queries.ranking import ranked_page
from ledger.queries.scopes import ranking_scope, window_for


def givers(
    window: Window,
    *,
    members: Collection[int] | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> list[dict]:
    """Rank the people who gave in the window (`members`: only these) by distinct people
    thanked; equal counts share a rank, ordered by points, then awards given, then name."""
    if members is not None and not members:
        return []
    line = AwardLine
    totals = (
        select(
            line.giver_id,
            func.count(func.distinct(line.recipient_id)).label("people"),
            func.count(func.distinct(line.award_id)).label("awards"),
            func.sum(line.points).label("points"),
        )
        .outerjoin(Reversal, Reversal.award_id == line.award_id)
        .where(
            Reversal.id.is_(None), line.created_at >= window.since, line.created_at < window.until
        )
        .group_by(line.giver_id)
    )
    if members is not None:
        totals = totals.where(line.giver_id.in_(sorted(members)))
    rows = ranked_page(
        totals.subquery("totals"), person="giver_id", metric="people",
        within=("points", "awards"), offset=offset, limit=limit,
    )  # fmt: skip
    return [
        {
            "rank": int(row.rank),
            "user": {"id": row.giver_id, "name": row.name, "email": row.email},
            "people": int(row.people),
            "awards": int(row.awards),
            "points": int(row.points),
        }
        for row in rows
    ]


def giver_standings(
    viewer: User,
    *,
    now: datetime,
    manage: bool,
    scope: str = "company",
    period: str | None = None,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[Window, list[dict]]:
    """Rank the givers of a scope in a window as the viewer may see them: the window and the
    scope as the recipients' leaderboard takes them (default: the current period, company)."""
    window = window_for(now=now, period=period, since=since, until=until)
    members = ranking_scope(scope, viewer, manage=manage, by_direction=False).members
    return window, givers(window, members=members, offset=offset, limit=limit)


def givers_table(rows: list[dict]) -> tuple[list[str], list[list]]:
    """Return the CSV header and lines of a givers' ranking (web and API alike)."""
    numbers = employee_numbers([row["user"]["id"] for row in rows])
    header = ["rank", "employee_id", "user_id", "name", "email", "people", "awards", "points"]
    lines = [
        [row["rank"], numbers[row["user"]["id"]], row["user"]["id"], row["user"]["name"],
         row["user"]["email"], row["people"], row["awards"], row["points"]]
        for row in rows
    ]  # fmt: skip
    return header, lines
