"""What a bonus-run commit writes, and the checks just before it."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from ledger.db import db
from ledger.errors import DraftStale, Forbidden
from ledger.i18n import N_
from ledger.id_lists import among
from ledger.models import AwardLine, BonusRun, BonusRunLine, Conversion, User
from ledger.postings import Move, ensure_clawback, ensure_earned, post, system_account

from .collect import Preview, preview
from .documents import draft_document


def stale(run: BonusRun, found: Preview) -> DraftStale:
    """Refuse a commit whose preview no longer matches, with the fresh draft."""
    return DraftStale(
        f"Bonus run {run.id} changed since the preview you commit; review the fresh draft "
        "and commit its version.",
        draft=draft_document(run, found),
    )


def check_not_involved(committer: User, found: Preview) -> None:
    """Separation of duties holds for whoever commits, not only for the creator."""
    if committer.id in {line.user_id for line in found.eligible}:
        raise Forbidden(N_("You are paid by this run; someone else must commit it."))
    line_ids = [line_id for line in found.eligible for line_id, _ in found.line_ids[line.user_id]]
    gave = db.session.scalar(
        select(AwardLine.id)
        .where(among(AwardLine.id, line_ids), AwardLine.giver_id == committer.id)
        .limit(1)
    )
    if gave is not None:
        raise Forbidden(N_("This run pays points you gave; someone else must commit it."))


def convert(ctx, run: BonusRun, found: Preview, creator: User) -> None:
    """Convert the preview's lines: conversion rows, the transfers, and the run's lines."""
    rows = [
        {
            "award_line_id": line_id,
            "bonus_run_id": run.id,
            "user_id": line.user_id,
            "points": points,
            "created_at": ctx.now,
        }
        for line in found.eligible
        for line_id, points in found.line_ids[line.user_id]
    ]
    try:
        with db.session.begin_nested():
            db.session.execute(insert(Conversion), rows)
    except IntegrityError as error:
        # The partial unique index: another live run converted one of these lines.
        raise stale(run, preview(run, creator)) from error
    converted = system_account("converted")
    moves = []
    for line in found.eligible:
        earned = ensure_earned(line.user_id)
        for line_id, points in found.line_ids[line.user_id]:
            moves.append(Move(earned, converted, points, "conversion", award_line_id=line_id))
        if line.clawback_points:
            clawback = ensure_clawback(line.user_id)
            memo = f"bonus run {run.id}"
            moves.append(Move(converted, clawback, line.clawback_points, "clawback_net", memo=memo))
    post(ctx, moves)
    inactive = set(
        db.session.scalars(
            select(User.id).where(
                among(User.id, [line.user_id for line in found.eligible]), User.active.is_(False)
            )
        )
    )
    db.session.execute(
        insert(BonusRunLine),
        [
            {
                "bonus_run_id": run.id,
                "user_id": line.user_id,
                "points": line.points,
                "clawback_points": line.clawback_points,
                "amount_cents": line.amount_cents,
                "forfeited_cents": line.forfeited_cents,
                "capped": line.capped,
                "inactive": line.user_id in inactive,
            }
            for line in found.eligible
        ],
    )
    run.status, run.committed_at, run.commit_operation_id = "committed", ctx.now, ctx.operation_id
