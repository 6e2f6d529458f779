"""Reverse an award: compensating transfers, never an edit of history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ledger.db import db
from ledger.errors import AlreadyReversed, NotFound, ValidationFailed
from ledger.models import Award, AwardLine, Period, Reversal, User
from ledger.operations import Actor, IdempotencyKey, OperationResult, Outcome, run_operation
from ledger.postings import (
    AccountRef,
    Move,
    ensure_allowance,
    ensure_earned,
    post,
    system_account,
    upsert,
)

MAX_REASON = 1000


def reverse_award(
    award_id: int,
    *,
    reason: str,
    now: datetime,
    actor: Actor,
    clawback: bool = False,
    idempotency: IdempotencyKey | None = None,
) -> OperationResult:
    """Undo a whole award: recipients give the points back to the giver's allowance."""

    def body(ctx):
        text = (reason or "").strip()
        if not 1 <= len(text) <= MAX_REASON:
            raise ValidationFailed(
                f"Give a reason of 1 to {MAX_REASON} characters.", field="reason"
            )
        award = db.session.get(Award, award_id)
        if award is None:
            raise NotFound(f"There is no award {award_id}.")
        claimed = db.session.execute(
            upsert(
                Reversal,
                {
                    "award_id": award.id,
                    "operation_id": ctx.operation_id,
                    "actor_id": actor.user_id,
                    "reason": text,
                    "clawback": clawback,
                    "created_at": now,
                },
                ["award_id"],
            ).returning(Reversal.id)
        ).scalar()
        if claimed is None:
            raise AlreadyReversed(f"Award {award.id} has already been reversed.")
        # Lock the period (shared) so a close cannot slip between the check and the credit.
        period = db.session.scalars(
            select(Period)
            .where(Period.id == award.period_id)
            .with_for_update(read=True)
            .execution_options(populate_existing=True)
        ).one()
        giver = db.session.get(User, award.giver_id)
        if period.closed_at is None and giver.active:
            target = ensure_allowance(ctx, award.giver_id, period)
        else:
            target = system_account("expired")
        lines = db.session.scalars(
            select(AwardLine).where(AwardLine.award_id == award.id).order_by(AwardLine.id)
        ).all()
        moves = [
            Move(_source(line), target, line.points, "reversal", award_line_id=line.id)
            for line in lines
        ]
        post(ctx, moves)
        return Outcome(
            {
                "award_id": award.id,
                "reversal_id": claimed,
                "reason": text,
                "clawback": clawback,
                "points_returned": sum(line.points for line in lines),
                "returned_to": "allowance" if target.kind == "allowance" else "expired",
            },
            "award",
            award.id,
            {"reason": text},
        )

    return run_operation("reversal", body, now=now, actor=actor, idempotency=idempotency)


def _source(line: AwardLine) -> AccountRef:
    """Return the account the line's points come back from."""
    return ensure_earned(line.recipient_id)
