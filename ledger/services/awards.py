"""Give an award: the giver pays points to each recipient from this period's allowance."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from itertools import takewhile

from sqlalchemy import func, insert, select

from ledger import rules
from ledger.db import db
from ledger.documents import award_document
from ledger.errors import (
    Forbidden,
    PeriodClosed,
    RecipientInactive,
    UnknownRecipient,
)
from ledger.i18n import N_, Phrase
from ledger.models import Award, AwardLine, Period, User
from ledger.notifications import excerpt, notify
from ledger.operations import Actor, IdempotencyKey, OperationResult, Outcome, run_operation
from ledger.periods import period_at
from ledger.postings import Move, award_accounts, ensure_allowance, ensure_earned, post
from ledger.queries.org import managers_above
from ledger.queries.service_kinds import active_kind_codes
from ledger.text import storable


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
) -> OperationResult:
    """Give `points` to each recipient, paid from the giver's allowance; all or nothing."""

    def body(ctx):
        giver_user = _resolve_giver(giver)
        people = _resolve_recipients(recipients)
        request = rules.AwardRequest(
            giver_id=giver_user.id,
            recipient_ids=tuple(person.id for person in people),
            points=points,
            message=message,
            service_kind=service_kind,
        )
        period = period_at(now, lock=True)
        _check_award(request, people, period)
        known, earned = award_accounts(giver_user.id, period.id, request.recipient_ids)
        allowance = ensure_allowance(ctx, giver_user.id, period, known)
        award_id = _insert_award(ctx, request, giver_user, people, period, actor)
        line_rows, line_ids = _insert_lines(award_id, request, giver_user, people, now)
        _pay(ctx, allowance, people, line_ids, points, earned)
        if period.pair_cap is not None:
            _check_pair_caps(giver_user.id, request.recipient_ids, period, points)
        _notify_recipients(ctx, award_id, giver_user, people, request)
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
            created_at=now,
            reversed_=False,
        )
        ctx.emit("award.created", document, "award", award_id)
        return Outcome(
            document,
            "award",
            award_id,
            {"points_total": rules.award_cost(points, len(people)), "recipients": len(people)},
        )

    return run_operation(
        "award", body, now=now, actor=actor or Actor(None), idempotency=idempotency
    )


def _check_award(request: rules.AwardRequest, people: list[User], period: Period) -> None:
    """Refuse an award that breaks a rule, before any point moves."""
    rules.check_award_shape(
        request, max_points=period.max_points_per_recipient, service_kinds=active_kind_codes()
    )
    for index, person in enumerate(people):
        if not person.can_receive:
            raise RecipientInactive(
                Phrase("{name} cannot receive points.", name=person.name), index=index
            )
    if period.closed_at is not None:
        raise PeriodClosed(
            Phrase("Period {key} is closed; no more awards count in it.", key=period.key)
        )


def _insert_award(ctx, request, giver: User, people: list[User], period: Period, actor) -> int:
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


def _resolve_giver(giver: int | str) -> User:
    user = _find_user(giver)
    if user is None:
        raise UnknownRecipient(N_("The giver is not in the directory."), field="giver")
    if not user.active or user.kind != "person":
        raise Forbidden(N_("Only active people can give awards."))
    return user


def _resolve_recipients(recipients: Sequence[int | str]) -> list[User]:
    """Find each named recipient; the first refusal in naming order wins."""
    rules.check_recipient_count(len(recipients))  # before a query that long lists would bloat
    ids = [value for value in recipients if isinstance(value, int)]
    # Text no database takes names no one; it must not reach the query.
    emails = [value.strip().lower() for value in recipients if isinstance(value, str)]
    emails = [email for email in emails if storable(email)]
    rows = db.session.scalars(select(User).where(User.id.in_(ids) | User.email.in_(emails))).all()
    by_id = {user.id: user for user in rows}
    by_email = {user.email: user for user in rows}
    found = [
        by_id.get(value) if isinstance(value, int) else by_email.get(value.strip().lower())
        for value in recipients
    ]
    people = list(takewhile(lambda person: person is not None, found))
    rules.check_named_once([person.id for person in people], [person.name for person in people])
    if len(people) < len(found):
        index = len(people)
        raise UnknownRecipient(
            Phrase("No one in the directory matches {value}.", value=repr(recipients[index])),
            index=index,
        )
    return people


def _find_user(value: int | str) -> User | None:
    if isinstance(value, int):
        return db.session.get(User, value)
    if not storable(value):
        return None
    return db.session.scalars(select(User).where(User.email == value.strip().lower())).first()


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
