"""Bonus-run transitions: draft, refresh, commit, void and paid, each one audited operation."""

from __future__ import annotations

import contextlib
from datetime import date, datetime

from sqlalchemy import select, update

from ledger.db import db
from ledger.errors import AlreadyCommitted, DraftStale, EmptyRun, LedgerError, NotFound
from ledger.i18n import Phrase
from ledger.models import BonusRun, BonusRunLine, Conversion, User
from ledger.notifications import notify
from ledger.operations import Actor, IdempotencyKey, OperationResult, Outcome, run_operation
from ledger.postings import post
from ledger.queries.scopes import window_for

from . import rules
from .collect import Preview, lock_line_ids, preview
from .conversion import check_not_involved, convert, stale
from .documents import draft_document, run_document, stored_document
from .errors import AlreadyPaid, AlreadyVoided, NotCommitted, VersionRequired
from .money import check_currency
from .queries import stored_lines
from .scope import can_manage, check_manager, check_scope
from .unwind import void_moves


def create_draft(
    *,
    scope: str,
    since: date | datetime | None,
    until: date | datetime | None,
    rule: rules.Rule,
    currency: str,
    now: datetime,
    actor: Actor,
    idempotency: IdempotencyKey | None = None,
) -> OperationResult:
    """Preview a run over a window and scope; nothing is converted until commit."""

    def body(ctx):
        creator = check_manager(_user(actor))
        rules.check_rule(rule)
        check_currency(currency)
        check_scope(scope)
        window = window_for(now=now, since=since, until=until)
        run = BonusRun(
            created_by_id=creator.id,
            scope=scope,
            since_at=window.since,
            until_at=window.until,
            rule=rule.type,
            cents_per_point=rule.cents_per_point if rule.type == "rate" else None,
            pool_cents=rule.pool_cents if rule.type == "pool" else None,
            currency=currency,
            cap_cents=rule.cap_cents,
            min_points=rule.min_points,
            customers_k=rule.customers_k,
            status="draft",
            created_at=now,
        )
        found = preview(run, creator)
        if not found.eligible:
            raise EmptyRun()
        _remember(run, found)
        db.session.add(run)
        db.session.flush()
        return Outcome(
            draft_document(run, found),
            "bonus_run",
            run.id,
            {"status": "draft", "scope": scope, "total_cents": run.total_cents},
        )

    return run_operation("bonus_run_create", body, now=now, actor=actor, idempotency=idempotency)


def refresh_draft(run_id: int, *, now: datetime, actor: Actor) -> OperationResult:
    """Recompute a draft's stored totals and version from the ledger as it stands."""

    def body(ctx):
        run = _locked_run(run_id, actor)
        if run.status != "draft":
            raise AlreadyCommitted(
                Phrase("Bonus run {id} is {status}.", id=run.id, status=run.status),
                status=run.status,
            )
        found = preview(run, db.session.get(User, run.created_by_id))
        _remember(run, found)
        return Outcome(
            draft_document(run, found),
            "bonus_run",
            run.id,
            {"status": "draft", "total_cents": run.total_cents},
        )

    return run_operation("bonus_run_refresh", body, now=now, actor=actor)


def commit_run(
    run_id: int,
    *,
    version: str,
    now: datetime,
    actor: Actor,
    idempotency: IdempotencyKey | None = None,
) -> OperationResult:
    """Convert the lines of the preview named by `version`, each line at most once.

    A version that no longer matches the ledger is refused `draft_stale` with the fresh draft
    (and its new version) in the details, every time: only a commit naming what the client
    was shown pays.
    """
    if not version:
        raise VersionRequired()

    def body(ctx):
        run = _locked_run(run_id, actor)
        if run.status != "draft":
            raise AlreadyCommitted(
                Phrase("Bonus run {id} is {status}.", id=run.id, status=run.status),
                status=run.status,
            )
        creator = db.session.get(User, run.created_by_id)
        committer = check_manager(_user(actor))
        # Lock the lines, then derive again: a reversal or another run that won the lock
        # before us is now visible, and the digest tells.
        lock_line_ids(preview(run, creator).all_line_ids)
        found = preview(run, creator)
        if found.digest != version:
            raise stale(run, found)
        if not found.eligible:
            raise EmptyRun()
        check_not_involved(committer, found)
        _remember(run, found)
        convert(ctx, run, found, creator)
        document = run_document(run, stored_document(run, stored_lines(run.id)))
        ctx.emit("bonus_run.committed", document, "bonus_run", run.id)
        return Outcome(
            document,
            "bonus_run",
            run.id,
            {
                "status": "committed",
                "version": version,
                "total_points": run.total_points,
                "total_cents": run.total_cents,
            },
        )

    try:
        return run_operation(
            "bonus_run_commit", body, now=now, actor=actor, idempotency=idempotency
        )
    except DraftStale:
        # Keep the stored totals (run lists) in step with the fresh preview the client got.
        with contextlib.suppress(LedgerError):
            refresh_draft(run_id, now=now, actor=actor)
        raise


def void_run(
    run_id: int, *, now: datetime, actor: Actor, idempotency: IdempotencyKey | None = None
) -> OperationResult:
    """Undo a run before it is paid: the points go back and the lines convert again."""

    def body(ctx):
        run = _locked_run(run_id, actor)
        if run.status == "paid":
            raise AlreadyPaid(
                Phrase("Bonus run {id} is paid; it can no longer be voided.", id=run.id)
            )
        if run.status == "committed":
            post(ctx, void_moves(run))
            db.session.execute(
                update(Conversion)
                .where(Conversion.bonus_run_id == run.id, Conversion.voided_at.is_(None))
                .values(voided_at=now)
                .execution_options(synchronize_session=False)
            )
        if run.status == "voided":
            return _state_outcome(run)
        run.status, run.voided_at, run.void_operation_id = "voided", now, ctx.operation_id
        return _state_outcome(run, ctx, "bonus_run.voided")

    return run_operation("bonus_run_void", body, now=now, actor=actor, idempotency=idempotency)


def mark_paid(
    run_id: int, *, now: datetime, actor: Actor, idempotency: IdempotencyKey | None = None
) -> OperationResult:
    """Record that payroll paid a committed run; it can no longer be voided."""

    def body(ctx):
        run = _locked_run(run_id, actor)
        if run.status == "draft":
            raise NotCommitted(
                Phrase("Bonus run {id} is still a draft; commit it first.", id=run.id)
            )
        if run.status == "voided":
            raise AlreadyVoided(Phrase("Bonus run {id} was voided.", id=run.id))
        if run.status != "committed":
            return _state_outcome(run)
        run.status, run.paid_at = "paid", now
        _tell_paid(ctx, run)
        return _state_outcome(run, ctx, "bonus_run.paid")

    return run_operation("bonus_run_paid", body, now=now, actor=actor, idempotency=idempotency)


def _tell_paid(ctx, run: BonusRun) -> None:
    """Tell each person paid by the run how much, in the run's own transaction."""
    lines = db.session.scalars(
        select(BonusRunLine).where(
            BonusRunLine.bonus_run_id == run.id, BonusRunLine.amount_cents > 0
        )
    ).all()
    notices = [
        (line.user_id, "bonus_paid",
         {"run_id": run.id, "points": line.points, "amount_cents": line.amount_cents,
          "currency": run.currency})
        for line in lines
    ]  # fmt: skip
    notify(ctx, notices, bonus_run_id=run.id)


def _user(actor: Actor) -> User | None:
    return db.session.get(User, actor.user_id) if actor.user_id is not None else None


def _locked_run(run_id: int, actor: Actor) -> BonusRun:
    run = db.session.scalars(
        select(BonusRun)
        .where(BonusRun.id == run_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if run is None or not can_manage(_user(actor), run):
        raise NotFound(Phrase("There is no bonus run {run_id} within your reach.", run_id=run_id))
    return run


def _remember(run: BonusRun, found: Preview) -> None:
    run.draft_digest = found.digest
    run.total_points = sum(line.points for line in found.eligible)
    run.total_cents = sum(line.amount_cents for line in found.eligible)


def _state_outcome(run: BonusRun, ctx=None, event: str | None = None) -> Outcome:
    """Describe the run as it now stands; a transition (`event`) also tells subscribers."""
    db.session.flush()
    document = run_document(run, stored_document(run, stored_lines(run.id)))
    if event is not None:
        ctx.emit(event, document, "bonus_run", run.id)
    return Outcome(document, "bonus_run", run.id, {"status": run.status})
