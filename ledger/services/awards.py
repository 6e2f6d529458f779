"""Give an award: the giver pays points to each recipient from this period's allowance."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from itertools import takewhile

from sqlalchemy import select

from ledger import rules
from ledger.db import db
from ledger.errors import UnknownRecipient
from ledger.i18n import Phrase
from ledger.models import Period, User
from ledger.operations import Actor, IdempotencyKey, OperationResult, Outcome, run_operation
from ledger.periods import period_at
from ledger.queries.service_kinds import active_kind_codes
from ledger.services.giving import Gift, check_receivers, give, resolve_giver
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
    proactive: bool = False,
) -> OperationResult:
    """Give `points` to each recipient, paid from the giver's allowance; all or nothing.

    `proactive` is the giver's word that they were served before they asked.
    """

    def body(ctx):
        return award_in(
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


def award_in(
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
    """Check and give an award inside the caller's operation (an award alone, or a request's
    close); `request` is what the award records of the request it closes."""
    giver_user = resolve_giver(giver)
    people = _resolve_recipients(recipients)
    award_request = rules.AwardRequest(
        giver_id=giver_user.id,
        recipient_ids=tuple(person.id for person in people),
        points=points,
        message=message,
        service_kind=service_kind,
    )
    period = period_at(ctx.now, lock=True)
    _check_award(award_request, people, period)
    gift = Gift(giver_user, people, points, message.strip(), service_kind, period,
                proactive=proactive, request=request)  # fmt: skip
    return give(ctx, gift, actor)


def _check_award(request: rules.AwardRequest, people: list[User], period: Period) -> None:
    """Refuse an award that breaks a rule, before any point moves."""
    rules.check_award_shape(
        request, max_points=period.max_points_per_recipient, service_kinds=active_kind_codes()
    )
    check_receivers(people, period)


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
