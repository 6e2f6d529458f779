"""Period keys and their bounds in the company's time zone: pure functions."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


def period_key(moment: datetime, zone: str, length: str) -> str:
    """Return the key (`2026-11` or `2026-Q4`) of the period holding `moment`."""
    local = moment.astimezone(ZoneInfo(zone))
    if length == "quarter":
        return f"{local.year}-Q{(local.month - 1) // 3 + 1}"
    return f"{local.year}-{local.month:02d}"


def is_period_key(key: str) -> bool:
    return bool(_MONTH.match(key) or _QUARTER.match(key))


def period_dates(key: str) -> tuple[date, date]:
    """Return the first day of the period and the first day after it."""
    if match := _MONTH.match(key):
        year, month = int(match[1]), int(match[2])
        first = date(year, month, 1)
        return first, _add_months(first, 1)
    if match := _QUARTER.match(key):
        year, quarter = int(match[1]), int(match[2])
        first = date(year, 3 * quarter - 2, 1)
        return first, _add_months(first, 3)
    raise ValueError(f"{key!r} is not a period: use YYYY-MM or YYYY-Qn")


def period_bounds(key: str, zone: str) -> tuple[datetime, datetime]:
    """Return the period's start (inclusive) and end (exclusive) as UTC datetimes."""
    first, after = period_dates(key)
    return local_midnight(first, zone), local_midnight(after, zone)


def local_midnight(day: date, zone: str) -> datetime:
    """Return the UTC instant at which `day` begins in `zone`."""
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def local_date(moment: datetime, zone: str) -> date:
    return moment.astimezone(ZoneInfo(zone)).date()


def next_period_start(moment: datetime, zone: str, length: str) -> date:
    """Return the first day of the period after the one holding `moment`."""
    return period_dates(period_key(moment, zone, length))[1]


def next_quarter_start(moment: datetime, zone: str) -> date:
    return period_dates(period_key(moment, zone, "quarter"))[1]


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)
