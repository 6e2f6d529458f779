"""Read the outbox and deliveries back in tests."""

from __future__ import annotations

import json

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger.db import db
from ledger.models import Award, Delivery, OutboxEvent


def events(type_: str | None = None) -> list[OutboxEvent]:
    """Return the outbox's events (of one type), oldest first."""
    query = select(OutboxEvent).order_by(OutboxEvent.id)
    if type_ is not None:
        query = query.where(OutboxEvent.type == type_)
    return _detached(query)


def event_data(type_: str) -> list[dict]:
    return [json.loads(event.data) for event in events(type_)]


def count_award_events_against_awards() -> tuple[int, int, int]:
    """Return (awards, award.created events, awards with exactly one event) for the books."""
    awards = db.session.scalar(select(func.count()).select_from(Award))
    per_award = dict(
        db.session.execute(
            select(OutboxEvent.object_id, func.count())
            .where(OutboxEvent.type == "award.created")
            .group_by(OutboxEvent.object_id)
        ).all()
    )
    ids = {str(award_id) for award_id in db.session.scalars(select(Award.id))}
    db.session.rollback()
    exact = sum(1 for award_id in ids if per_award.get(award_id) == 1)
    return awards, sum(per_award.values()), exact


def deliveries() -> list[Delivery]:
    return _detached(select(Delivery).order_by(Delivery.id))


def _detached(query) -> list:
    """Load rows in a session of their own, so they stay readable whatever the app's does."""
    with Session(db.engine, expire_on_commit=False) as session:
        found = list(session.scalars(query))
        session.expunge_all()
    return found
