"""Add points to someone else's award ("+5, me too"): a linked award from your allowance."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select

from ledger import rules
from ledger.bonus.collect import lock_line_ids
from ledger.db import db
from ledger.errors import AlreadyReversed, NotFound
from ledger.i18n import Phrase
from ledger.models import Award, AwardLine, Reversal, User
from ledger.operations import Actor, IdempotencyKey, OperationResult, run_operation
from ledger.periods import period_at
from ledger.services.giving import Gift, check_receivers, give, resolve_giver


def add_to_award(
    award_id: int,
    *,
    giver: int | str,
    points: int,
    message: str = "",
    now: datetime,
    actor: Actor | None = None,
    idempotency: IdempotencyKey | None = None,
) -> OperationResult:
    """Give `points` more to each recipient of award `award_id`, paid by `giver`, linked to it.

    The add-on obeys an award's rules (not to yourself, the period's maximum, the pair cap,
    your allowance) and is refused on an award that is reversed or is itself an add-on.
    """

    def body(ctx):
        adder = resolve_giver(giver)
        award = db.session.get(Award, award_id)
        if award is None:
            raise NotFound(Phrase("There is no award {award_id}.", award_id=award_id))
        period = period_at(now, lock=True)
        lines = db.session.scalars(
            select(AwardLine).where(AwardLine.award_id == award.id).order_by(AwardLine.id)
        ).all()
        # The award's lines are what a withdrawal locks before it looks for add-ons: taking
        # them first orders this add-on wholly before or after any withdrawal of the award.
        lock_line_ids([line.id for line in lines])
        if db.session.scalar(select(exists().where(Reversal.award_id == award.id))):
            raise AlreadyReversed(
                Phrase("Award {id} was reversed; it takes no add-ons.", id=award.id)
            )
        found = db.session.scalars(
            select(User).where(User.id.in_([line.recipient_id for line in lines]))
        )
        by_id = {person.id: person for person in found}
        people = [by_id[line.recipient_id] for line in lines]
        rules.check_add_on(
            adder.id,
            award.giver_id,
            [person.id for person in people],
            adds_to_another=award.add_on_to_id is not None,
            points=points,
            max_points=period.max_points_per_recipient,
            message=message or "",
        )
        check_receivers(people, period)
        gift = Gift(
            adder, people, points, (message or "").strip(), award.service_kind, period, award.id
        )
        return give(ctx, gift, actor)

    return run_operation(
        "add_on", body, now=now, actor=actor or Actor(None), idempotency=idempotency
    )
