"""The rules an award obeys: pure functions, no database, no app."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from ledger.errors import (
    AddOnToAddOn,
    AddOnToOwnAward,
    DuplicateRecipient,
    ManagerIneligible,
    NotTheGiver,
    PairCapReached,
    SelfAward,
    ValidationFailed,
    WithdrawalWindowPassed,
)
from ledger.i18n import N_, Phrase
from ledger.text import text_problem, visible_length

MIN_RECIPIENTS = 1
MAX_RECIPIENTS = 20
MIN_MESSAGE = 10
MAX_MESSAGE = 1000
# The one bound on points per recipient: the API and web forms refuse more, and an admin may
# set a period's own maximum (50 by default) up to it.
MAX_POINTS_PER_RECIPIENT = 1_000_000
# How long a giver may withdraw their own award; after it only an admin reverses.
WITHDRAWAL_WINDOW = timedelta(minutes=10)
WITHDRAWN_REASON = "withdrawn by the giver"
# How a recipient served the giver, as direction() names it.
DIRECTIONS = ("up", "down", "lateral")


@dataclass(frozen=True)
class AwardRequest:
    giver_id: int
    recipient_ids: tuple[int, ...]
    points: int
    message: str
    service_kind: str


def check_award_shape(
    request: AwardRequest, *, max_points: int, service_kinds: Iterable[str]
) -> None:
    """Refuse an award whose own fields break a rule, before any row is read or locked."""
    check_recipient_count(len(request.recipient_ids))
    if request.giver_id in request.recipient_ids:
        raise SelfAward(index=request.recipient_ids.index(request.giver_id))
    check_points(request.points, max_points)
    message = request.message.strip()
    problem = text_problem(message, multiline=True)
    if problem is not None:
        raise ValidationFailed(problem, field="message")
    # Invisible characters would let an empty-looking message pass the minimum.
    if visible_length(message) < MIN_MESSAGE or len(message) > MAX_MESSAGE:
        raise ValidationFailed(
            Phrase(
                "Write a message of {MIN_MESSAGE} to {MAX_MESSAGE} characters ({MIN_MESSAGE} of "
                "them visible) saying how they served you.",
                MIN_MESSAGE=MIN_MESSAGE,
                MAX_MESSAGE=MAX_MESSAGE,
            ),
            field="message",
        )
    if request.service_kind not in set(service_kinds):
        raise ValidationFailed(
            Phrase("Unknown service kind {service_kind}.", service_kind=repr(request.service_kind)),
            field="service_kind",
        )


def check_points(points: int, max_points: int) -> None:
    """Refuse points per recipient that are not a whole number from 1 to the maximum."""
    if isinstance(points, bool) or not isinstance(points, int):
        raise ValidationFailed(N_("Points must be a whole number."), field="points")
    if not 1 <= points <= max_points:
        raise ValidationFailed(
            Phrase(
                "Points per recipient must be between 1 and {max_points}.", max_points=max_points
            ),
            field="points",
            maximum=max_points,
        )


def check_add_on(
    adder_id: int,
    award_giver_id: int,
    recipient_ids: Sequence[int],
    *,
    adds_to_another: bool,
    points: int,
    max_points: int,
    message: str,
) -> None:
    """Refuse an add-on ("+5, me too") that breaks a rule: an award's own rules, and whose."""
    if adds_to_another:
        raise AddOnToAddOn()
    if adder_id == award_giver_id:
        raise AddOnToOwnAward()
    if adder_id in recipient_ids:
        raise SelfAward(index=list(recipient_ids).index(adder_id))
    check_points(points, max_points)
    # The message is optional ("me too" says enough); when given, it is text like any other.
    problem = text_problem(message.strip(), multiline=True)
    if problem is not None or len(message.strip()) > MAX_MESSAGE:
        raise ValidationFailed(
            problem or f"Keep the message under {MAX_MESSAGE} characters.", field="message"
        )


def check_withdrawal(giver_id: int, asker_id: int | None, given_at: datetime, now: datetime):
    """Refuse a withdrawal by anyone but the giver, or after the award's first minutes."""
    if asker_id != giver_id:
        raise NotTheGiver()
    if now - given_at > WITHDRAWAL_WINDOW:
        minutes = int(WITHDRAWAL_WINDOW.total_seconds() // 60)
        raise WithdrawalWindowPassed(
            Phrase(
                "An award can be withdrawn only in its first {minutes} minutes; ask an admin to "
                "reverse it.",
                minutes=minutes,
            )
        )


def may_add_on(viewer_id: int, award: dict) -> bool:
    """Say whether a page offers `viewer_id` an add-on to an award document."""
    recipients = {line["recipient"]["id"] for line in award["lines"]}
    return not (
        award["reversed"]
        or award["add_on_to"] is not None
        or viewer_id == award["giver"]["id"]
        or viewer_id in recipients
    )


def may_withdraw(viewer_id: int, award: dict, now: datetime) -> bool:
    """Say whether a page offers `viewer_id` to withdraw an award document (conversion aside:
    a bonus run in the first minutes is rare, and the service refuses it by name)."""
    given_at = datetime.fromisoformat(award["created_at"])
    return (
        viewer_id == award["giver"]["id"]
        and not award["reversed"]
        and not any(not add_on["reversed"] for add_on in award["add_ons"])
        and now - given_at <= WITHDRAWAL_WINDOW
    )


def check_recipient_count(count: int) -> None:
    """Refuse an award naming fewer or more people than an award may name."""
    if not MIN_RECIPIENTS <= count <= MAX_RECIPIENTS:
        raise ValidationFailed(
            Phrase(
                "Name between {MIN_RECIPIENTS} and {MAX_RECIPIENTS} recipients; you named {count}.",
                MIN_RECIPIENTS=MIN_RECIPIENTS,
                MAX_RECIPIENTS=MAX_RECIPIENTS,
                count=count,
            ),
            field="recipients",
        )


def check_named_once(recipient_ids: Sequence[int], names: Sequence[str]) -> None:
    """Refuse an award that names one person twice (by id and by email, say)."""
    index = first_duplicate_index(recipient_ids)
    if index >= 0:
        raise DuplicateRecipient(
            Phrase("{value} is named twice; name each recipient once.", value=names[index]),
            index=index,
        )


def first_duplicate_index(values: Sequence[object]) -> int:
    seen: set[object] = set()
    for index, value in enumerate(values):
        if value in seen:
            return index
        seen.add(value)
    return -1


def award_cost(points: int, recipients: int) -> int:
    """Return what the giver pays: the points are given to each recipient."""
    return points * recipients


def check_pair_cap(already_given: int, points: int, cap: int | None, recipient_id: int) -> None:
    if cap is not None and already_given + points > cap:
        raise PairCapReached(
            Phrase(
                "You may give one person at most {cap} points a period; you have given them "
                "{already_given}.",
                cap=cap,
                already_given=already_given,
            ),
            recipient=recipient_id,
            cap=cap,
            given=already_given,
        )


def direction(
    giver_id: int, recipient_id: int, recipient_chain: Iterable[int], giver_chain: Iterable[int]
) -> str:
    """Name how the recipient served the giver, from each one's chain of managers."""
    if giver_id in set(recipient_chain):
        return "up"  # the giver is above the recipient
    if recipient_id in set(giver_chain):
        return "down"  # the giver is below the recipient
    return "lateral"


def holds_allowance(kind: str, active: bool) -> bool:
    """Say whether an account gets an allowance: only active people, never bots or services."""
    return active and kind == "person"


def allowance_entitlement(
    base: int, boost: int, active_reports: int, *, kind: str = "person", active: bool = True
) -> int:
    """Return the allowance granted for a period: base plus a boost per active report."""
    if not holds_allowance(kind, active):
        return 0
    return base + boost * active_reports


def check_manager_eligible(name: str, kind: str, active: bool) -> None:
    """Refuse a manager who is a bot, a service account or deactivated: they lead no one."""
    if kind != "person":
        raise ManagerIneligible(
            Phrase(
                "{name} is a {kind} account and cannot be anyone's manager; choose a person.",
                name=name,
                kind=kind,
            ),
            field="manager_id",
            kind=kind,
        )
    if not active:
        raise ManagerIneligible(
            Phrase(
                "{name} is deactivated and cannot be anyone's manager; choose an active person.",
                name=name,
            ),
            field="manager_id",
            kind=kind,
        )
