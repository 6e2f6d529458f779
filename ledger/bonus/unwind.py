"""The compensating transfers that void a committed run."""

from __future__ import annotations

from sqlalchemy import select

from ledger.db import db
from ledger.id_lists import among
from ledger.models import AwardLine, BonusRun, BonusRunLine, Conversion, Reversal
from ledger.postings import Move, ensure_clawback, ensure_earned, system_account

from .collect import lock_line_ids


def void_moves(run: BonusRun) -> list[Move]:
    """Give each live conversion's points back, and restore any clawback the run settled.

    A line reversed with a clawback after conversion goes back to the clawback account:
    once the payment is undone there is nothing left to claw back.
    """
    live = db.session.execute(
        select(Conversion.award_line_id, Conversion.user_id, Conversion.points)
        .where(Conversion.bonus_run_id == run.id, Conversion.voided_at.is_(None))
        .order_by(Conversion.award_line_id)
    ).all()
    line_ids = [row.award_line_id for row in live]
    lock_line_ids(line_ids)
    reversed_ids = set(
        db.session.scalars(
            select(AwardLine.id)
            .join(Reversal, Reversal.award_id == AwardLine.award_id)
            .where(among(AwardLine.id, line_ids))
        )
    )
    converted = system_account("converted")
    memo = f"bonus run {run.id} voided"
    moves = []
    for row in live:
        back = ensure_clawback if row.award_line_id in reversed_ids else ensure_earned
        moves.append(
            Move(
                converted,
                back(row.user_id),
                row.points,
                "conversion_void",
                award_line_id=row.award_line_id,
                memo=memo,
            )
        )
    for line in db.session.scalars(
        select(BonusRunLine).where(
            BonusRunLine.bonus_run_id == run.id, BonusRunLine.clawback_points > 0
        )
    ):
        moves.append(
            Move(
                ensure_clawback(line.user_id),
                converted,
                line.clawback_points,
                "clawback_unnet",
                memo=memo,
            )
        )
    return moves
