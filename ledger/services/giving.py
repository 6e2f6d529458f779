"""What giving an award writes, shared by a new award and an add-on to one."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, insert, select

from ledger import rules
from ledger.db import db
from ledger.documents import award_document
from ledger.errors import Forbidden, PeriodClosed, RecipientInactive, UnknownRecipient
from ledger.i18n import N_, Phrase
from ledger.models import Award, AwardLine, Period, User
from ledger.notifications import excerpt, notify
from ledger.operations import Actor, Outcome
from ledger.postings import Move, award_accounts, ensure_allowance, ensure_earned, post
from ledger.queries.org import managers_above
from ledger.text import storable


@dataclass(frozen=True)
class Gift:
    """An award whose own rules were checked: who gives what to whom, and why."""

    giver: User
    people: list[User]
    points: int
    message: str
    service_kind: str
    period: Period
    add_on_to: int | None = None
    proactive: bool = False  # the giver's word: served before they asked
    request: dict | None = None  # what the award records of the request it closes


def check_receivers(people: list[User], period: Period) -> None:
    """Refuse recipients who cannot receive points, or a period already closed."""
    for index, person in enumerate(people):
        if not person.can_receive:
            raise RecipientInactive(
                Phrase("{name} cannot receive points.", name=person.name), index=index
            )
    if period.closed_at is not None:
        raise PeriodClosed(
            Phrase("Period {key} is closed; no more awards count in it.", key=period.key)
        )


def give(ctx, gift: Gift, actor: Actor | None) -> Outcome:
    """Write the award, its lines and its payment from the giver's allowance; tell everyone."""
    recipient_ids = tuple(person.id for person in gift.people)
    known, earned = award_accounts(gift.giver.id, gift.period.id, recipient_ids)
    allowance = ensure_allowance(ctx, gift.giver.id, gift.period, known)
    award_id = _insert_award(ctx, gift, actor)
    line_rows, line_ids = _insert_lines(award_id, gift, ctx.now)
    _pay(ctx, allowance, gift.people, line_ids, gift.points, earned)
    if gift.period.pair_cap is not None:
        _check_pair_caps(gift.giver.id, recipient_ids, gift.period, gift.points)
    _notify_recipients(ctx, award_id, gift)
    document = award_document(
        award_id=award_id,
        giver=gift.giver,
        lines=[
            (person, gift.points, row["direction"], row["cross_department"])
            for person, row in zip(gift.people, line_rows, strict=True)
        ],
        message=gift.message,
        service_kind=gift.service_kind,
        period=gift.period.key,
        created_at=ctx.now,
        reversed_=False,
        via=_via(actor, gift.giver),
        add_on_to=gift.add_on_to,
        proactive=gift.proactive,
        request=gift.request,
    )
    ctx.emit("award.created", document, "award", award_id)
    cost = rules.award_cost(gift.points, len(gift.people))
    return Outcome(
        document, "award", award_id, {"points_total": cost, "recipients": len(gift.people)}
    )


def resolve_giver(giver: int | str) -> User:
    """Find the giver; only an active person gives."""
    user = find_user(giver)
    if user is None:
        raise UnknownRecipient(N_("The giver is not in the directory."), field="giver")
    if not user.active or user.kind != "person":
        raise Forbidden(N_("Only active people can give awards."))
    return user


def find_user(value: int | str) -> User | None:
    if isinstance(value, int):
        return db.session.get(User, value)
    if not storable(value):
        return None
    return db.session.scalars(select(User).where(User.email == value.strip().lower())).first()


def _via(actor: Actor | None, giver: User) -> User | None:
    """Return the account that gave on the giver's behalf (a service account), if any."""
    if actor is None or actor.user_id is None or actor.user_id == giver.id:
        return None
    return db.session.get(User, actor.user_id)


def _insert_award(ctx, gift: Gift, actor: Actor | None) -> int:
    return db.session.execute(
        insert(Award)
        .values(
            operation_id=ctx.operation_id,
            giver_id=gift.giver.id,
            actor_id=(actor.user_id if actor and actor.user_id else gift.giver.id),
            period_id=gift.period.id,
            service_kind=gift.service_kind,
            message=gift.message,
            points_per_recipient=gift.points,
            points_total=rules.award_cost(gift.points, len(gift.people)),
            created_at=ctx.now,
            add_on_to_id=gift.add_on_to,
            proactive=gift.proactive,
        )
        .returning(Award.id)
    ).scalar_one()


def _insert_lines(award_id: int, gift: Gift, now):
    """Insert one line per recipient, each with how the recipient served the giver."""
    giver = gift.giver
    chains = managers_above([giver.id, *(person.id for person in gift.people)])
    line_rows = [
        {
            "award_id": award_id,
            "recipient_id": person.id,
            "giver_id": giver.id,
            "points": gift.points,
            "service_kind": gift.service_kind,
            "created_at": now,
            "direction": rules.direction(giver.id, person.id, chains[person.id], chains[giver.id]),
            "cross_department": person.department_id != giver.department_id,
        }
        for person in gift.people
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


def _notify_recipients(ctx, award_id: int, gift: Gift) -> None:
    said = {
        "giver": gift.giver.reference(),
        "points": gift.points,
        "service_kind": gift.service_kind,
        "message": excerpt(gift.message),
    }
    notify(ctx, [(person.id, "award_received", said) for person in gift.people], award_id=award_id)


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
