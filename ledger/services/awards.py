"""Give an award: the giver pays points to each recipient from this period's allowance."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, insert, select

from ledger import rules
from ledger.db import db
from ledger.documents import award_document
from ledger.errors import (
    PeriodClosed,
    RecipientInactive,
)
from ledger.models import Award, AwardLine, Period, User
from ledger.notifications import excerpt, notify
from ledger.operations import Actor, IdempotencyKey, OperationResult, Outcome, run_operation
from ledger.periods import period_at
from ledger.postings import Move, award_accounts, ensure_allowance, ensure_earned, post
from ledger.queries.org import managers_above
from ledger.queries.service_kinds import active_kind_codes
from ledger.services.award_parties import giving_account, resolve_giver, resolve_recipients


def award_points(
    *,
    giver: int | str,
    recipients: Sequence[int | str],
    points: int,
    message: str,
    service_kind: str,
    now: datetime,
    actor: Actor | None = None,
    idempotency: IdempotencyKey | None = None,
    proactive: bool = False,
) -> OperationResult:
    """Give `points` to each recipient, paid from the giver's allowance; all or nothing.

    `proactive` is the giver's word that they were served before they asked.
    """

    def body(ctx):
        return give_award(
            ctx,
            giver=giver,
            recipients=recipients,
            points=points,
            message=message,
            service_kind=service_kind,
            actor=actor,
            proactive=proactive,
        )

    return run_operation(
        "award", body, now=now, actor=actor or Actor(None), idempotency=idempotency
    )


def give_award(
    ctx,
    *,
    giver: int | str,
    recipients: Sequence[int | str],
    points: int,
    message: str,
    service_kind: str,
    actor: Actor | None,
    proactive: bool = False,
    request: dict | None = None,
) -> Outcome:
    """Give an award inside the caller's operation (an award alone, or a request's close).

    `request` is what the award's document says of the request it closes, if any.
    """
    giver_user = resolve_giver(giver)
    people = resolve_recipients(recipients)
    award_request = rules.AwardRequest(
        giver_id=giver_user.id,
        recipient_ids=tuple(person.id for person in people),
        points=points,
        message=message,
        service_kind=service_kind,
    )
    period = period_at(ctx.now, lock=True)
    _check_award(award_request, people, period)
    known, earned = award_accounts(giver_user.id, period.id, award_request.recipient_ids)
    allowance = ensure_allowance(ctx, giver_user.id, period, known)
    award_id = _insert_award(ctx, award_request, giver_user, people, period, actor, proactive)
    line_rows, line_ids = _insert_lines(award_id, award_request, giver_user, people, ctx.now)
    _pay(ctx, allowance, people, line_ids, points, earned)
    if period.pair_cap is not None:
        _check_pair_caps(giver_user.id, award_request.recipient_ids, period, points)
    _notify_recipients(ctx, award_id, giver_user, people, award_request)
    document = award_document(
        award_id=award_id,
        giver=giver_user,
        lines=[
            (person, points, row["direction"], row["cross_department"])
            for person, row in zip(people, line_rows, strict=True)
        ],
        message=message.strip(),
        service_kind=service_kind,
        period=period.key,
        created_at=ctx.now,
        reversed_=False,
        via=giving_account(actor, giver_user),
        proactive=proactive,
        request=request,
    )
    ctx.emit("award.created", document, "award", award_id)
    return Outcome(
        document,
        "award",
        award_id,
        {"points_total": rules.award_cost(points, len(people)), "recipients": len(people)},
    )


def _check_award(request: rules.AwardRequest, people: list[User], period: Period) -> None:
    """Refuse an award that breaks a rule, before any point moves."""
    rules.check_award_shape(
        request, max_points=period.max_points_per_recipient, service_kinds=active_kind_codes()
    )
    for index, person in enumerate(people):
        if not person.can_receive:
            raise RecipientInactive(f"{person.name} cannot receive points.", index=index)
    if period.closed_at is not None:
        raise PeriodClosed(f"Period {period.key} is closed; no more awards count in it.")


def _insert_award(ctx, request, giver: User, people, period: Period, actor, proactive) -> int:
    return db.session.execute(
        insert(Award)
        .values(
            operation_id=ctx.operation_id,
            giver_id=giver.id,
            actor_id=(actor.user_id if actor and actor.user_id else giver.id),
            period_id=period.id,
            service_kind=request.service_kind,
            message=request.message.strip(),
            points_per_recipient=request.points,
            points_total=rules.award_cost(request.points, len(people)),
            created_at=ctx.now,
            proactive=proactive,
        )
        .returning(Award.id)
    ).scalar_one()


def _insert_lines(award_id: int, request, giver: User, people: list[User], now: datetime):
    """Insert one line per recipient, each with how the recipient served the giver."""
    chains = managers_above([giver.id, *request.recipient_ids])
    line_rows = [
        {
            "award_id": award_id,
            "recipient_id": person.id,
            "giver_id": giver.id,
            "points": request.points,
            "service_kind": request.service_kind,
            "created_at": now,
            "direction": rules.direction(giver.id, person.id, chains[person.id], chains[giver.id]),
            "cross_department": person.department_id != giver.department_id,
        }
        for person in people
    ]
    line_ids = (
        db.session.execute(
            insert(AwardLine).returning(AwardLine.id, sort_by_parameter_order=True), line_rows
        )
        .scalars()
        .all()
    )
    return line_rows, line_ids


def _pay(ctx, allowance, people: list[User], line_ids, points: int, earned: dict) -> None:
    """Move the points from the giver's allowance to each recipient, in recipient id order."""
    moves = [
        Move(
            allowance,
            ensure_earned(person.id, earned.get(person.id)),
            points,
            "award",
            award_line_id=line_id,
        )
        for person, line_id in sorted(
            zip(people, line_ids, strict=True), key=lambda pair: pair[0].id
        )
    ]
    post(ctx, moves)


def _notify_recipients(ctx, award_id: int, giver: User, people: list[User], request) -> None:
    said = {
        "giver": giver.reference(),
        "points": request.points,
        "service_kind": request.service_kind,
        "message": excerpt(request.message),
    }
    notify(ctx, [(person.id, "award_received", said) for person in people], award_id=award_id)


def _check_pair_caps(giver_id, recipient_ids, period, points) -> None:
    """Check the per-pair cap; the giver's allowance row is locked, so the sum is stable."""
    given = dict(
        db.session.execute(
            select(AwardLine.recipient_id, func.sum(AwardLine.points))
            .join(Award, Award.id == AwardLine.award_id)
            .where(
                Award.period_id == period.id,
                AwardLine.giver_id == giver_id,
                AwardLine.recipient_id.in_(recipient_ids),
            )
            .group_by(AwardLine.recipient_id)
        ).all()
    )
    for recipient_id in recipient_ids:
        already = given.get(recipient_id, 0) - points  # the sum includes this award
        rules.check_pair_cap(already, points, period.pair_cap, recipient_id)
