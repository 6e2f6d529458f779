"""Ask for help and take steps through the real services, for the request tests."""

from __future__ import annotations

from datetime import datetime, timedelta

from ledger.operations import Actor, IdempotencyKey
from ledger.services.requests import open_request, take_step
from tests.factories import NOW

NEED = "Two test laptops for the release rehearsal."
NOTES = {
    "handoff": "Laptops imaged; still need the VPN profile. Boxes are in room 4.",
    "withdraw": "We moved the rehearsal; no longer needed.",
    "decline": "We have no spare laptops this month.",
}


def person_id(person) -> int:
    """Take a person as a User row or an id (threads must not touch another session's rows)."""
    return person if isinstance(person, int) else person.id


def key(principal: int, value: str) -> IdempotencyKey:
    return IdempotencyKey(f"user:{principal}", value, f"hash-{value}")


def ask(
    customer,
    *,
    provider=None,
    department=None,
    now: datetime = NOW,
    due: datetime | None = None,
    need: str = NEED,
    idempotency: str | None = None,
) -> dict:
    """Open a request through the service and return its document."""
    return open_request(
        customer=person_id(customer),
        need=need,
        provider=person_id(provider) if provider is not None else None,
        department=department,
        due_at=due or now + timedelta(days=3),
        now=now,
        actor=Actor(person_id(customer)),
        idempotency=key(person_id(customer), idempotency) if idempotency else None,
    ).document


def step(
    person,
    request: dict,
    action: str,
    *,
    now: datetime = NOW,
    note: str | None = None,
    to=None,
    idempotency: str | None = None,
    **extra,
) -> dict:
    """Take one step as `person` and return the request's document after it."""
    return take_step(
        request["id"],
        action,
        by=person_id(person),
        note=NOTES.get(action, "") if note is None else note,
        to=to.id if to is not None and not isinstance(to, (int, str)) else to,
        now=now,
        actor=Actor(person_id(person)),
        idempotency=key(person_id(person), idempotency) if idempotency else None,
        **extra,
    ).document
