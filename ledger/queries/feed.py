"""The recognition feed: awards newest first, as documents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, exists, or_, select, tuple_
from sqlalchemy.orm import aliased, selectinload

from ledger import calendar, settings
from ledger.db import db
from ledger.documents import add_on_document, award_document
from ledger.models import Award, AwardLine, Period, Reversal, User
from ledger.rules import DIRECTIONS

FEED_PAGE = 20


def award_documents(awards: list[Award]) -> list[dict]:
    """Turn award rows into documents with four extra queries in all, not per award."""
    if not awards:
        return []
    add_ons = _add_ons_of([a.id for a in awards])
    people_ids = (
        {a.giver_id for a in awards}
        | {a.actor_id for a in awards}
        | {line.recipient_id for a in awards for line in a.lines}
        | {a.giver_id for group in add_ons.values() for a in group}
    )
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(people_ids)))}
    periods = dict(
        db.session.execute(
            select(Period.id, Period.key).where(Period.id.in_({a.period_id for a in awards}))
        ).all()
    )
    every_id = [a.id for a in awards] + [a.id for group in add_ons.values() for a in group]
    reasons = dict(
        db.session.execute(
            select(Reversal.award_id, Reversal.reason).where(Reversal.award_id.in_(every_id))
        ).all()
    )
    return [
        award_document(
            award_id=award.id,
            giver=people[award.giver_id],
            lines=[
                (people[line.recipient_id], line.points, line.direction, line.cross_department)
                for line in award.lines
            ],
            message=award.message,
            service_kind=award.service_kind,
            period=periods[award.period_id],
            created_at=award.created_at,
            reversed_=award.id in reasons,
            reversal_reason=reasons.get(award.id),
            via=people[award.actor_id] if award.actor_id != award.giver_id else None,
            add_on_to=award.add_on_to_id,
            add_ons=[
                add_on_document(
                    award_id=add_on.id,
                    giver=people[add_on.giver_id],
                    points=add_on.points_per_recipient,
                    points_total=add_on.points_total,
                    message=add_on.message,
                    created_at=add_on.created_at,
                    reversed_=add_on.id in reasons,
                )
                for add_on in add_ons.get(award.id, [])
            ],
        )
        for award in awards
    ]


def _add_ons_of(award_ids: list[int]) -> dict[int, list[Award]]:
    """Return the add-ons of each award, oldest first."""
    found: dict[int, list[Award]] = {}
    rows = db.session.scalars(
        select(Award).where(Award.add_on_to_id.in_(award_ids)).order_by(Award.created_at, Award.id)
    )
    for add_on in rows:
        found.setdefault(add_on.add_on_to_id, []).append(add_on)
    return found


def recent_awards(*, limit: int = 20, before: datetime | None = None) -> list[dict]:
    """Return the newest awards, newest first."""
    query = (
        select(Award)
        .options(selectinload(Award.lines))
        .order_by(Award.created_at.desc(), Award.id.desc())
        .limit(limit)
    )
    if before is not None:
        query = query.where(Award.created_at < before)
    return award_documents(list(db.session.scalars(query)))


def award_by_id(award_id: int) -> dict | None:
    award = db.session.scalars(
        select(Award).options(selectinload(Award.lines)).where(Award.id == award_id)
    ).first()
    return award_documents([award])[0] if award else None


@dataclass(frozen=True)
class AwardFilter:
    """What the feed is narrowed to; every field is optional and they all must hold."""

    giver_id: int | None = None
    recipient_id: int | None = None
    user_id: int | None = None
    department_id: int | None = None
    service_kind: str | None = None
    direction: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def award_feed(
    filters: AwardFilter, *, limit: int | None = None, after: tuple[datetime, int] | None = None
) -> list[dict]:
    """Return matching awards newest first, from just past `after` (created_at, id) on."""
    query = (
        select(Award)
        .options(selectinload(Award.lines))
        .where(*_conditions(filters))
        .order_by(Award.created_at.desc(), Award.id.desc())
    )
    if after is not None:
        moment, award_id = after
        query = query.where(
            or_(
                Award.created_at < moment,
                and_(Award.created_at == moment, Award.id < award_id),
            )
        )
    if limit is not None:
        query = query.limit(limit)
    return award_documents(list(db.session.scalars(query)))


def _conditions(filters: AwardFilter) -> list:
    def has_line(*where):
        return exists().where(AwardLine.award_id == Award.id, *where)

    conditions = []
    if filters.giver_id is not None:
        conditions.append(Award.giver_id == filters.giver_id)
    if filters.recipient_id is not None:
        conditions.append(has_line(AwardLine.recipient_id == filters.recipient_id))
    if filters.user_id is not None:
        conditions.append(
            or_(
                Award.giver_id == filters.user_id,
                has_line(AwardLine.recipient_id == filters.user_id),
            )
        )
    if filters.department_id is not None:
        members = select(User.id).where(User.department_id == filters.department_id)
        conditions.append(
            or_(Award.giver_id.in_(members), has_line(AwardLine.recipient_id.in_(members)))
        )
    if filters.service_kind is not None:
        conditions.append(Award.service_kind == filters.service_kind)
    if filters.direction is not None:
        conditions.append(has_line(AwardLine.direction == filters.direction))
    if filters.since is not None:
        conditions.append(Award.created_at >= filters.since)
    if filters.until is not None:
        conditions.append(Award.created_at < filters.until)
    return conditions


def feed_bounds(
    since: date | datetime | None, until: date | datetime | None
) -> tuple[datetime | None, datetime | None]:
    """Turn optional since/until bounds into instants: a date `until` includes that day."""
    zone = settings.timezone()

    def instant(value, end: bool):
        if value is None or isinstance(value, datetime):
            return value
        return calendar.local_midnight(value + timedelta(days=1) if end else value, zone)

    return instant(since, False), instant(until, True)


def feed_page(
    *,
    person_id: int | None = None,
    department_id: int | None = None,
    service_kind: str | None = None,
    direction: str | None = None,
    before: int | None = None,
    limit: int = FEED_PAGE,
) -> tuple[list[dict], int | None]:
    """Return a page of awards, newest first, and the award id to continue before.

    Add-ons show inside the award they add to, so the page lists only the awards themselves.
    """
    query = select(Award).options(selectinload(Award.lines)).where(Award.add_on_to_id.is_(None))
    if person_id is not None:
        received = select(AwardLine.award_id).where(AwardLine.recipient_id == person_id)
        add_on = aliased(Award)
        added = select(add_on.add_on_to_id).where(add_on.giver_id == person_id)
        query = query.where(
            or_(Award.giver_id == person_id, Award.id.in_(received), Award.id.in_(added))
        )
    if department_id is not None:
        members = select(User.id).where(User.department_id == department_id)
        received = select(AwardLine.award_id).where(AwardLine.recipient_id.in_(members))
        query = query.where(or_(Award.giver_id.in_(members), Award.id.in_(received)))
    if service_kind:
        query = query.where(Award.service_kind == service_kind)
    if direction in DIRECTIONS:
        lines = select(AwardLine.award_id).where(AwardLine.direction == direction)
        query = query.where(Award.id.in_(lines))
    if before is not None:
        anchor = db.session.scalar(select(Award.created_at).where(Award.id == before))
        if anchor is not None:
            query = query.where(tuple_(Award.created_at, Award.id) < tuple_(anchor, before))
    query = query.order_by(Award.created_at.desc(), Award.id.desc()).limit(limit + 1)
    awards = list(db.session.scalars(query))
    more = awards[limit:]
    awards = awards[:limit]
    return award_documents(awards), (awards[-1].id if more else None)
