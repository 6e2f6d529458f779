"""The rules a service request obeys: its states, who may take which step, its lead time.

Pure functions, no database, no app (DESIGN.md "Service requests").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ledger.errors import Forbidden, ValidationFailed
from ledger.i18n import N_, Phrase
from ledger.request_errors import (
    AlreadyAccepted,
    InvalidHandoff,
    RequestFinished,
    RequestStateConflict,
)
from ledger.text import text_problem, visible_length

MIN_NEED = 10
MAX_NEED = 2000
MAX_NOTE = 2000
MAX_LEAD_TIME = timedelta(days=366 * 2)

# The state a request is in after each kind of event.
STATE_AFTER = {
    "opened": "open",
    "accepted": "accepted",
    "handed_off": "handed_off",
    "delivered": "delivered",
    "closed": "closed",
    "withdrawn": "withdrawn",
    "declined": "declined",
}
STATES = tuple(STATE_AFTER.values())
FINISHED = frozenset({"closed", "withdrawn", "declined"})
# A request in one of these states and past its due time is overdue.
WAITING = frozenset({"open", "accepted", "handed_off"})
ACTIONS = ("accept", "handoff", "deliver", "close", "withdraw", "decline")
EVENT_OF = {
    "accept": "accepted",
    "handoff": "handed_off",
    "deliver": "delivered",
    "close": "closed",
    "withdraw": "withdrawn",
    "decline": "declined",
}
ALLOWED_FROM = {
    "accept": frozenset({"open"}),
    "handoff": frozenset({"accepted", "handed_off"}),
    "deliver": frozenset({"accepted", "handed_off"}),
    "close": frozenset({"delivered"}),
    "withdraw": frozenset({"open", "accepted", "handed_off", "delivered"}),
    "decline": frozenset({"open", "accepted", "handed_off"}),
}
# Steps that must say why (a hand-off note; the reason for withdrawing or declining).
NOTE_REQUIRED = frozenset({"handoff", "withdraw", "decline"})
WHO = {
    "customer": N_("Only the customer may take this step."),
    "provider": N_(
        "Only the provider named, or a member of the department asked, may take this step."
    ),
    "holder": N_("Only the provider who holds the request may take this step."),
}


@dataclass(frozen=True)
class RequestFacts:
    """What the rules need to know of a request as it stands."""

    state: str
    customer_id: int
    provider_id: int | None
    department_id: int | None
    holder_id: int | None


def party_for(action: str, state: str) -> str:
    """Name who takes `action` from `state`: the customer, a provider asked, or the holder."""
    if action in ("close", "withdraw"):
        return "customer"
    return "provider" if state == "open" else "holder"


def may_act(action: str, facts: RequestFacts, user_id: int, department_id: int | None) -> bool:
    """Tell whether a person may take `action` on a request in its current state."""
    party = party_for(action, facts.state)
    if party == "customer":
        return user_id == facts.customer_id
    if user_id == facts.customer_id:
        return False  # a customer in the department asked does not serve themselves
    if party == "provider":
        if facts.provider_id is not None:
            return user_id == facts.provider_id
        return department_id is not None and department_id == facts.department_id
    return user_id == facts.holder_id


def check_step(action: str, facts: RequestFacts, user_id: int, department_id: int | None) -> None:
    """Refuse a step the request's state or the person's part in it does not allow.

    The state is checked first: the second of two providers accepting at once learns that the
    request was accepted, not that they may not accept it.
    """
    if facts.state in FINISHED:
        raise RequestFinished(
            Phrase("The request is {state}; nothing more can happen to it.", state=facts.state),
            state=facts.state,
        )
    if facts.state not in ALLOWED_FROM[action]:
        if action == "accept":
            raise AlreadyAccepted(state=facts.state)
        raise RequestStateConflict(
            Phrase(
                "A request that is {state} cannot take the step {action}; it can from: {allowed}.",
                state=facts.state,
                action=action,
                allowed=", ".join(sorted(ALLOWED_FROM[action])),
            ),
            state=facts.state,
            action=action,
        )
    if not may_act(action, facts, user_id, department_id):
        party = party_for(action, facts.state)
        raise Forbidden(WHO[party], action=action)


def check_handoff_target(facts: RequestFacts, target_id: int) -> None:
    if target_id == facts.holder_id:
        raise InvalidHandoff(
            N_("You already hold the request; name the next provider."), field="to"
        )
    if target_id == facts.customer_id:
        raise InvalidHandoff(
            N_("Hand the request to another provider; the customer closes it once delivered."),
            field="to",
        )


def check_note(action: str, note: str) -> str:
    """Return the note stripped; refuse a missing one where the step must say why."""
    note = note.strip()
    problem = text_problem(note, multiline=True)
    if problem is not None:
        raise ValidationFailed(problem, field="note")
    if len(note) > MAX_NOTE:
        raise ValidationFailed(
            Phrase("Keep the note within {limit} characters.", limit=MAX_NOTE), field="note"
        )
    if action in NOTE_REQUIRED and visible_length(note) == 0:
        if action == "handoff":
            needed = N_("Write a note saying what is done, what is left and where things are.")
        else:
            needed = N_("Write a note saying why.")
        raise ValidationFailed(needed, field="note")
    return note


def check_need(need: str) -> str:
    need = need.strip()
    problem = text_problem(need, multiline=True)
    if problem is not None:
        raise ValidationFailed(problem, field="need")
    if visible_length(need) < MIN_NEED or len(need) > MAX_NEED:
        raise ValidationFailed(
            Phrase(
                "Describe what you need in {low} to {high} characters.", low=MIN_NEED, high=MAX_NEED
            ),
            field="need",
        )
    return need


def lead_time_seconds(asked_at: datetime, due_at: datetime) -> int:
    """Return the notice the customer gave: whole seconds from asking to the due time."""
    if due_at <= asked_at:
        raise ValidationFailed(N_("The due time must be in the future."), field="due_at")
    if due_at - asked_at > MAX_LEAD_TIME:
        raise ValidationFailed(N_("The due time must be within two years."), field="due_at")
    return int((due_at - asked_at).total_seconds())


def on_time(delivered_at: datetime | None, due_at: datetime) -> bool | None:
    """Tell whether delivery came by the due time (None while not delivered)."""
    return None if delivered_at is None else delivered_at <= due_at


def is_overdue(state: str, due_at: datetime, now: datetime) -> bool:
    return state in WAITING and now > due_at


def chain_of(holders: list[int | None]) -> list[int]:
    """Return the providers in hand-off order, each once, from the events' holders."""
    chain: list[int] = []
    for holder in holders:
        if holder is not None and holder not in chain:
            chain.append(holder)
    return chain


def steps_open_to(facts: RequestFacts, user_id: int, department_id: int | None) -> list[str]:
    """Return the steps a person may take on a request now, in the order of ACTIONS."""
    return [
        action
        for action in ACTIONS
        if facts.state in ALLOWED_FROM[action] and may_act(action, facts, user_id, department_id)
    ]


def facts_from_document(document: dict) -> RequestFacts:
    """Read the rules' facts back from a request's document."""

    def id_of(reference):
        return reference["id"] if reference else None

    return RequestFacts(
        state=document["state"],
        customer_id=document["customer"]["id"],
        provider_id=id_of(document["provider"]),
        department_id=id_of(document["department"]),
        holder_id=id_of(document["holder"]),
    )
