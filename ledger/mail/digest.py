"""The weekly digest for managers: their people's recognition in the last full week.

`request_digests()` writes one `digest.weekly` event per ISO week (its uid is
`digest_2026-W47`, unique, inserted with ON CONFLICT DO NOTHING), so asking twice — the CLI
and the worker's schedule, or two workers — still makes one event; the mail channel then
makes one delivery per manager of it (unique per event and person). Per manager per week,
one mail.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from sqlalchemy import select

from ledger import settings
from ledger.calendar import local_date, local_midnight
from ledger.db import db, upsert, write_transaction
from ledger.models import Award, AwardLine, OutboxEvent, Reversal, User
from ledger.queries.balances import balances
from ledger.rules import DIRECTIONS

TYPE = "digest.weekly"


def week_key(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_dates(key: str) -> tuple[date, date]:
    """Return the Monday of ISO week `key` (`2026-W47`) and the Monday after it."""
    try:
        monday = date.fromisoformat(f"{key}-1")
    except ValueError:
        raise ValueError(f"{key!r} is not an ISO week: use YYYY-Www, e.g. 2026-W47") from None
    return monday, monday + timedelta(days=7)


def last_full_week(now: datetime, zone: str) -> str:
    return week_key(local_date(now, zone) - timedelta(days=7))


def request_digests(now: datetime, week: str | None = None) -> tuple[str, bool]:
    """Ask for the digests of `week` (default: the last full week); return (week, new).

    A week that has not ended yet is refused (ValueError): its digest would be partial.
    """
    zone = settings.timezone()
    key = week or last_full_week(now, zone)
    first, after = week_dates(key)
    start, end = local_midnight(first, zone), local_midnight(after, zone)
    if end > now:
        raise ValueError(f"Week {key} has not ended yet.")
    data = {
        "week": key,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "first_day": first.isoformat(),
        "last_day": (after - timedelta(days=1)).isoformat(),
    }
    row = {
        "uid": f"digest_{key}",
        "type": TYPE,
        "object_type": "week",
        "object_id": key,
        "data": json.dumps(data, sort_keys=True, separators=(",", ":")),
        "created_at": now,
    }

    def work() -> bool:
        return db.session.execute(upsert(OutboxEvent, row, ["uid"])).rowcount == 1

    return key, write_transaction(work)


def managers() -> list[int]:
    """Return the active people who have at least one active person reporting to them."""
    report = User.__table__.alias("report")
    return list(
        db.session.scalars(
            select(User.id)
            .join(report, report.c.manager_id == User.id)
            .where(User.active.is_(True), report.c.active.is_(True), report.c.kind == "person")
            .distinct()
            .order_by(User.id)
        )
    )


def digest_for(manager_id: int, data: dict, now: datetime) -> dict:
    """Summarize a manager's direct reports for the week in `data` (an event's)."""
    start, end = datetime.fromisoformat(data["start"]), datetime.fromisoformat(data["end"])
    people = list(
        db.session.scalars(
            select(User)
            .where(User.manager_id == manager_id, User.active.is_(True), User.kind == "person")
            .order_by(User.name, User.id)
        )
    )
    ids = [person.id for person in people]
    lines = db.session.execute(
        select(AwardLine.recipient_id, AwardLine.giver_id, AwardLine.direction, AwardLine.points)
        .join(Award, Award.id == AwardLine.award_id)
        .outerjoin(Reversal, Reversal.award_id == Award.id)
        .where(
            Reversal.id.is_(None),
            AwardLine.created_at >= start,
            AwardLine.created_at < end,
            (AwardLine.recipient_id.in_(ids)) | (AwardLine.giver_id.in_(ids)),
        )
    ).all()
    received = dict.fromkeys(DIRECTIONS, 0)
    given = dict.fromkeys(DIRECTIONS, 0)
    recognized = set()
    for recipient, giver, direction, points in lines:
        if recipient in ids:
            received[direction] += points
            recognized.add(recipient)
        if giver in ids:
            given[direction] += points
    unspent = [(person.name, balances(person.id, now)["allowance_remaining"]) for person in people]
    return {
        "week": data["week"],
        "first_day": data["first_day"],
        "last_day": data["last_day"],
        "people": len(people),
        "received": received,
        "given": given,
        "unrecognized": [person.name for person in people if person.id not in recognized],
        "unspent": [(name, points) for name, points in unspent if points > 0],
    }
