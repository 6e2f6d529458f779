"""The recognition feed: awards newest first, as documents."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ledger.db import db
from ledger.documents import award_document
from ledger.models import Award, AwardLine, Period, Reversal, User


def award_documents(awards: list[Award]) -> list[dict]:
    """Turn award rows into documents with two extra queries in all, not per award."""
    if not awards:
        return []
    people_ids = {a.giver_id for a in awards} | {
        line.recipient_id for a in awards for line in a.lines
    }
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(people_ids)))}
    periods = dict(
        db.session.execute(
            select(Period.id, Period.key).where(Period.id.in_({a.period_id for a in awards}))
        ).all()
    )
    reversed_ids = set(
        db.session.scalars(
            select(Reversal.award_id).where(Reversal.award_id.in_([a.id for a in awards]))
        )
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
            reversed_=award.id in reversed_ids,
        )
        for award in awards
    ]


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


def lines_for_award(award_id: int) -> list[AwardLine]:
    return list(
        db.session.scalars(
            select(AwardLine).where(AwardLine.award_id == award_id).order_by(AwardLine.id)
        )
    )
