"""Every step from every state, on both engines: allowed ones append one event, refused ones
name the rule and change nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ledger import request_rules
from ledger.db import db
from ledger.errors import LedgerError
from ledger.models import ServiceRequestEvent
from tests.factories import NOW, make_user
from tests.requests.helpers import ask, step

# How to bring a request into each state, as (who, action) steps after it was opened.
PATHS = {
    "open": [],
    "accepted": [("first", "accept")],
    "handed_off": [("first", "accept"), ("first", "handoff")],
    "delivered": [("first", "accept"), ("first", "deliver")],
    "closed": [("first", "accept"), ("first", "deliver"), ("customer", "close")],
    "withdrawn": [("customer", "withdraw")],
    "declined": [("first", "decline")],
}


@pytest.fixture
def cast(engine_app):
    boss = make_user(role="manager", department="Sales")
    return {
        "customer": make_user(department="Sales", manager=boss.email),
        "first": make_user(department="IT"),
        "second": make_user(department="IT"),
    }


def request_in(cast, state: str) -> dict:
    request = ask(cast["customer"], provider=cast["first"])
    for who, action in PATHS[state]:
        request = step(cast[who], request, action, to=cast["second"])
    assert request["state"] == state
    return request


def actor_for(cast, state: str, action: str):
    """The person who may take `action` if the state allows it (the holder, once held)."""
    party = request_rules.party_for(action, state)
    if party == "customer":
        return cast["customer"]
    return cast["second"] if state == "handed_off" else cast["first"]


def event_count() -> int:
    return db.session.scalar(select(func.count()).select_from(ServiceRequestEvent))


def expected_refusal(state: str, action: str) -> str | None:
    if state in request_rules.FINISHED:
        return "request_finished"
    if state in request_rules.ALLOWED_FROM[action]:
        return None
    return "already_accepted" if action == "accept" else "request_state_conflict"


def test_every_step_from_every_state_is_allowed_or_refused_by_the_table(cast):
    outcomes = {}
    for state in request_rules.STATES:
        for action in request_rules.ACTIONS:
            request = request_in(cast, state)
            before = event_count()
            wanted = expected_refusal(state, action)
            person = actor_for(cast, state, action)
            target = cast["first"] if person is cast["second"] else cast["second"]
            try:
                after = step(person, request, action, to=target)
            except LedgerError as error:
                outcomes[(state, action)] = error.code
                assert event_count() == before
            else:
                outcomes[(state, action)] = None
                assert after["state"] == request_rules.STATE_AFTER[request_rules.EVENT_OF[action]]
                assert event_count() == before + 1
                assert after["events"][-1]["kind"] == request_rules.EVENT_OF[action]
            assert outcomes[(state, action)] == wanted, (state, action)
    # The table allows exactly these thirteen steps.
    allowed = sorted(pair for pair, code in outcomes.items() if code is None)
    assert allowed == sorted(
        [("open", "accept"), ("open", "withdraw"), ("open", "decline"),
         ("accepted", "handoff"), ("accepted", "deliver"), ("accepted", "withdraw"),
         ("accepted", "decline"), ("handed_off", "handoff"), ("handed_off", "deliver"),
         ("handed_off", "withdraw"), ("handed_off", "decline"), ("delivered", "close"),
         ("delivered", "withdraw")]
    )  # fmt: skip


@pytest.mark.parametrize(
    ("state", "action", "who"),
    [
        ("open", "accept", "customer"),  # a customer does not serve themselves
        ("open", "withdraw", "first"),  # only the customer withdraws
        ("accepted", "deliver", "customer"),  # not the holder
        ("accepted", "handoff", "customer"),
        ("handed_off", "deliver", "first"),  # handed on: the first no longer holds it
        ("delivered", "close", "first"),  # only the customer closes
        ("open", "decline", "customer"),
    ],
)
def test_a_step_by_the_wrong_party_is_forbidden_and_changes_nothing(cast, state, action, who):
    request = request_in(cast, state)
    before = event_count()
    with pytest.raises(LedgerError) as refused:
        step(cast[who], request, action, to=cast["second"])
    assert refused.value.code == "forbidden"
    assert event_count() == before


def test_someone_not_asked_by_name_cannot_even_see_the_request(cast):
    request = request_in(cast, "open")
    with pytest.raises(LedgerError) as refused:
        step(cast["second"], request, "accept")
    assert refused.value.code == "not_found"


def test_the_relay_records_who_when_and_the_notes_in_order(cast):
    customer, first, second = cast["customer"], cast["first"], cast["second"]
    request = ask(customer, provider=first, due=NOW + timedelta(days=3))
    assert request["lead_time_seconds"] == 3 * 24 * 3600
    later = NOW + timedelta(hours=1)
    step(first, request, "accept", now=later)
    step(first, request, "handoff", to=second, note="Half done; notes in the wiki.", now=later)
    done = step(second, request, "deliver", now=NOW + timedelta(days=2))
    closed = step(
        customer, done, "close", note="Exactly what we needed.", now=NOW + timedelta(days=2)
    )
    assert [event["kind"] for event in closed["events"]] == [
        "opened", "accepted", "handed_off", "delivered", "closed"
    ]  # fmt: skip
    assert [event["actor"]["id"] for event in closed["events"]] == [
        customer.id, first.id, first.id, second.id, customer.id
    ]  # fmt: skip
    assert closed["events"][2]["note"] == "Half done; notes in the wiki."
    assert closed["events"][2]["holder"]["id"] == second.id
    assert [person["id"] for person in closed["chain"]] == [first.id, second.id]
    assert closed["on_time"] is True and closed["overdue"] is False
    assert closed["delivered_at"].startswith("2026-11-18")


def test_a_delivery_after_the_due_time_is_late(cast):
    request = ask(cast["customer"], provider=cast["first"], due=NOW + timedelta(hours=2))
    step(cast["first"], request, "accept")
    late = step(cast["first"], request, "deliver", now=NOW + timedelta(hours=3))
    assert late["on_time"] is False


def test_a_due_date_means_the_end_of_that_day(cast):
    from ledger.services.requests import open_request

    result = open_request(customer=cast["customer"].id, need="A desk for the new starter.",
                          provider=cast["first"].id, due_at=NOW.date(), now=NOW)  # fmt: skip
    assert result.document["due_at"] == "2026-11-17T00:00:00.000000+00:00"
    assert result.document["lead_time_seconds"] == 12 * 3600


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"due": NOW - timedelta(minutes=1)}, "validation_error"),
        ({"due": NOW + timedelta(days=800)}, "validation_error"),
        ({"need": "help"}, "validation_error"),
        ({"provider": "self"}, "self_request"),
        ({"provider": "bot"}, "unknown_provider"),
    ],
)
def test_a_bad_ask_is_refused_and_writes_nothing(cast, change, code):
    bot = make_user(kind="bot", password=None)
    named = {"self": cast["customer"], "bot": bot}.get(change.get("provider"), cast["first"])
    others = {name: value for name, value in change.items() if name != "provider"}
    with pytest.raises(LedgerError) as refused:
        ask(cast["customer"], provider=named, **others)
    assert refused.value.code == code
    assert event_count() == 0


def test_a_handoff_to_the_customer_or_to_yourself_is_refused(cast):
    request = request_in(cast, "accepted")
    for target in (cast["customer"], cast["first"]):
        with pytest.raises(LedgerError) as refused:
            step(cast["first"], request, "handoff", to=target)
        assert refused.value.code == "invalid_handoff"
    with pytest.raises(LedgerError) as refused:
        step(cast["first"], request, "handoff", to=cast["second"], note="   ")
    assert refused.value.code == "validation_error"


def test_a_department_queue_is_accepted_by_any_member_but_not_by_others(cast):
    it = cast["first"].department_id
    request = ask(cast["customer"], department=it)
    outsider = make_user(department="Finance")
    with pytest.raises(LedgerError) as refused:
        step(outsider, request, "accept")
    assert refused.value.code == "not_found"  # beyond their reach, they cannot see it
    accepted = step(cast["second"], request, "accept")
    assert accepted["holder"]["id"] == cast["second"].id


def test_a_replayed_step_returns_the_first_answer_and_appends_nothing(cast):
    request = request_in(cast, "open")
    first = step(cast["first"], request, "accept", idempotency="accept-1")
    before = event_count()
    again = step(cast["first"], request, "accept", idempotency="accept-1")
    assert again == first and event_count() == before
    # A refusal is stored too: the same key replays it.
    for _ in range(2):
        with pytest.raises(LedgerError) as refused:
            step(cast["customer"], request, "close", idempotency="close-early")
        assert refused.value.code == "request_state_conflict"
