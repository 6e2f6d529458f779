"""A giver withdraws their own award in its first minutes: a reversal they may ask for."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select

from ledger import rules
from ledger.db import db
from ledger.errors import AlreadyAddedTo, NotFound
from ledger.i18n import Phrase
from ledger.models import Award, Reversal
from ledger.operations import Actor, IdempotencyKey, OperationResult, run_operation
from ledger.services.reversals import reverse_in


def withdraw_award(
    award_id: int,
    *,
    now: datetime,
    actor: Actor,
    idempotency: IdempotencyKey | None = None,
) -> OperationResult:
    """Reverse the actor's own award "withdrawn by the giver", unless it is too late, paid
    out by a bonus run or added to by others; afterwards only an admin reverses it."""

    def body(ctx):
        award = db.session.get(Award, award_id)
        if award is None:
            raise NotFound(Phrase("There is no award {award_id}.", award_id=award_id))
        rules.check_withdrawal(award.giver_id, actor.user_id, award.created_at, now)
        return reverse_in(ctx, award, rules.WITHDRAWN_REASON, actor, refuse=_refuse_if_added_to)

    return run_operation("withdrawal", body, now=now, actor=actor, idempotency=idempotency)


def _refuse_if_added_to(award: Award) -> None:
    """Refuse once someone's add-on stands: it was given to this award, so it must stay."""
    if db.session.scalar(select(live_add_on(award.id))):
        raise AlreadyAddedTo(
            Phrase(
                "Others have added points to award {id}; ask an admin to reverse it.", id=award.id
            )
        )


def live_add_on(award_id: int):
    """An EXISTS over the add-ons of `award_id` that are not reversed."""
    return exists().where(
        Award.add_on_to_id == award_id,
        ~exists().where(Reversal.award_id == Award.id),
    )
