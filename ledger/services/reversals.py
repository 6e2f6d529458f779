"""Reverse an award: compensating transfers, never an edit of history."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select

from ledger.bonus.collect import lock_line_ids
from ledger.db import db, upsert
from ledger.errors import AlreadyConverted, AlreadyReversed, NotFound, ValidationFailed
from ledger.i18n import Phrase
from ledger.models import Award, AwardLine, Conversion, Period, Reversal, User
from ledger.notifications import notify
from ledger.operations import Actor, IdempotencyKey, OperationResult, Outcome, run_operation
from ledger.postings import (
    AccountRef,
    Move,
    ensure_allowance,
    ensure_clawback,
    ensure_earned,
    post,
    system_account,
)
from ledger.queries.feed import award_by_id
from ledger.text import check_text

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
        check_text(text, "reason", multiline=True, min_visible=1)
        if not 1 <= len(text) <= MAX_REASON:
            raise ValidationFailed(
                Phrase("Give a reason of 1 to {MAX_REASON} characters.", MAX_REASON=MAX_REASON),
                field="reason",
            )
        award = db.session.get(Award, award_id)
        if award is None:
            raise NotFound(Phrase("There is no award {award_id}.", award_id=award_id))
        return reverse_in(ctx, award, text, actor, clawback=clawback)

    return run_operation("reversal", body, now=now, actor=actor, idempotency=idempotency)


def reverse_in(
    ctx,
    award: Award,
    reason: str,
    actor: Actor,
    *,
    clawback: bool = False,
    refuse: Callable[[Award], None] | None = None,
) -> Outcome:
    """Reverse `award` inside the running operation; `refuse` may veto once its lines are
    locked (as a bonus commit and an add-on lock them), so what it reads cannot change."""
    claimed = db.session.execute(
        upsert(
            Reversal,
            {
                "award_id": award.id,
                "operation_id": ctx.operation_id,
                "actor_id": actor.user_id,
                "reason": reason,
                "clawback": clawback,
                "created_at": ctx.now,
            },
            ["award_id"],
        ).returning(Reversal.id)
    ).scalar()
    if claimed is None:
        raise AlreadyReversed(Phrase("Award {id} has already been reversed.", id=award.id))
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
    converted = _converted_lines([line.id for line in lines])
    if refuse is not None:
        refuse(award)
    if converted and not clawback:
        raise AlreadyConverted(
            Phrase(
                "Award {id} is partly paid out by a bonus run (lines {choices}); record a "
                "clawback instead.",
                id=award.id,
                choices=", ".join(map(str, converted)),
            ),
            lines=converted,
        )
    moves = [
        Move(_source(line, converted), target, line.points, "reversal", award_line_id=line.id)
        for line in lines
    ]
    post(ctx, moves)
    returned_to = "allowance" if target.kind == "allowance" else "expired"
    said = {"reason": reason, "giver": giver.reference()}
    total = sum(line.points for line in lines)
    notices = [(line.recipient_id, "award_reversed", {**said, "points": line.points})
               for line in lines]  # fmt: skip
    notices.append(
        (giver.id, "award_reversed", {**said, "points": total, "returned_to": returned_to})
    )
    notify(ctx, notices, award_id=award.id)
    ctx.emit("award.reversed", award_by_id(award.id), "award", award.id)
    return Outcome(
        {
            "award_id": award.id,
            "reversal_id": claimed,
            "reason": reason,
            "clawback": clawback,
            "points_returned": total,
            "clawback_points": sum(line.points for line in lines if line.id in converted),
            "returned_to": returned_to,
        },
        "award",
        award.id,
        {"reason": reason},
    )


def _converted_lines(line_ids: list[int]) -> list[int]:
    """Lock the award's lines (as bonus commits and voids do), then name the converted ones."""
    lock_line_ids(line_ids)
    return list(
        db.session.scalars(
            select(Conversion.award_line_id)
            .where(Conversion.award_line_id.in_(line_ids), Conversion.voided_at.is_(None))
            .order_by(Conversion.award_line_id)
        )
    )


def _source(line: AwardLine, converted: list[int]) -> AccountRef:
    """Return the account the line's points come back from.

    A converted line was already paid: the recipient owes it on their clawback account,
    which their next bonus runs net against their points.
    """
    if line.id in converted:
        return ensure_clawback(line.recipient_id)
    return ensure_earned(line.recipient_id)
