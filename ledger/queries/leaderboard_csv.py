"""The one leaderboard export: the same columns from the web page and the API."""

from __future__ import annotations

from ledger.queries.people import employee_numbers
from ledger.rules import DIRECTIONS

HEADER = ("rank", "employee_id", "user_id", "name", "email", "points", "awards", "customers")


def leaderboard_table(rows: list[dict], split: bool) -> tuple[list[str], list[list]]:
    """Return the header and lines of a ranking; the direction columns only when split."""
    directions = list(DIRECTIONS) if split else []
    numbers = employee_numbers([row["user"]["id"] for row in rows])
    lines = [
        [row["rank"], numbers[row["user"]["id"]], row["user"]["id"]]
        + [row["user"]["name"], row["user"]["email"]]
        + [row["points"], row["awards"], row["customers"]]
        + [row["by_direction"][name] for name in directions]
        for row in rows
    ]
    return [*HEADER, *directions], lines
