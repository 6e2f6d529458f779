"""Grant allowances for a period, and top them up with a reason."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ledger import calendar, settings
from ledger.db import db
from ledger.errors import NotFound, PeriodClosed, ValidationFailed
from ledger.i18n import Phrase
from ledger.models import User
from ledger.operations import Actor, IdempotencyKey, OperationResult, Outcome, run_operation
from ledger.periods import current_period_key, ensure_period, period_at
from ledger.postings import Move, ensure_allowance, post, system_account
from ledger.text import check_text

MAX_TOP_UP = 1_000_000
MAX_REASON = 500


def open_period(key: str | None, *, now: datetime, actor: Actor) -> OperationResult:
    """Grant every active person their allowance for a period (the current one by default)."""
    zone = settings.timezone()

    def body(ctx):
        period_key = key or current_period_key(now, zone)
        if not calendar.is_period_key(period_key):
            raise ValidationFailed(
                Phrase(
                    "{period_key} is not a period: use YYYY-MM or YYYY-Qn.",
                    period_key=repr(period_key),
                )
            )
        if calendar.period_bounds(period_key, zone)[1] <= now:
            raise ValidationFailed(
                Phrase("Period {period_key} has already ended.", period_key=period_key)
            )
        period = ensure_period(period_key, zone, lock=True)
        if period.closed_at is not None:
            raise PeriodClosed(Phrase("Period {key} is closed.", key=period.key))
        people = db.session.scalars(
            select(User.id).where(User.active.is_(True), User.kind == "person").order_by(User.id)
        ).all()
        before = ctx.transfer_count
        for user_id in people:
            ensure_allowance(ctx, user_id, period)
        granted = ctx.transfer_count - before
        return Outcome(
            {"period": period.key, "people": len(people), "granted": granted}, "period", period.key
        )

    return run_operation("open_period", body, now=now, actor=actor)


def top_up(
    user: int | str,
    *,
    points: int,
    reason: str,
    now: datetime,
    actor: Actor,
    idempotency: IdempotencyKey | None = None,
) -> OperationResult:
    """Add points to a person's allowance for the current period, with a reason."""

    def body(ctx):
        if isinstance(points, bool) or not isinstance(points, int) or not 1 <= points <= MAX_TOP_UP:
            raise ValidationFailed(
                Phrase("Top up between 1 and {MAX_TOP_UP} points.", MAX_TOP_UP=MAX_TOP_UP),
                field="points",
            )
        text = (reason or "").strip()
        check_text(text, "reason", multiline=True, min_visible=1)
        if not 1 <= len(text) <= MAX_REASON:
            raise ValidationFailed(
                Phrase("Give a reason of 1 to {MAX_REASON} characters.", MAX_REASON=MAX_REASON),
                field="reason",
            )
        person = (
            db.session.get(User, user)
            if isinstance(user, int)
            else db.session.scalars(select(User).where(User.email == user.strip().lower())).first()
        )
        if person is None:
            raise NotFound(Phrase("No one in the directory matches {user}.", user=repr(user)))
        if not person.active or person.kind != "person":
            raise ValidationFailed(
                Phrase("{name} is inactive or cannot give awards.", name=person.name), field="user"
            )
        period = period_at(now, lock=True)
        if period.closed_at is not None:
            raise PeriodClosed(Phrase("Period {key} is closed.", key=period.key))
        account = ensure_allowance(ctx, person.id, period)
        post(ctx, [Move(system_account("issuance"), account, points, "top_up", memo=text)])
        return Outcome(
            {
                "user": {"id": person.id, "name": person.name, "email": person.email},
                "period": period.key,
                "points": points,
                "reason": text,
            },
            "user",
            person.id,
            {"points": points, "reason": text},
        )

    return run_operation("top_up", body, now=now, actor=actor, idempotency=idempotency)
