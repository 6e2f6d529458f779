"""Steps racing on one request: two providers accept at once, a close races a withdrawal.

On both engines; the row lock is what decides on PostgreSQL (SQLite's BEGIN IMMEDIATE takes
turns anyway), so the negative control runs there.
"""

from __future__ import annotations

from functools import partial

import pytest
from sqlalchemy import func, select

from ledger.db import db
from ledger.models import Award, ServiceRequest, ServiceRequestEvent, User
from ledger.queries.requests import events_of
from ledger.services.request_close import CloseAward, close_request
from tests.factories import NOW, make_user
from tests.figures import write_figure
from tests.ledger.concurrency import errors_by_type, fresh_session, run_together
from tests.requests.helpers import ask, step

pytestmark = pytest.mark.heavy

THANKS = CloseAward(5, "Delivered just in time for the audit.", "need")
PROVIDERS = 8
TRIALS = 5


@pytest.fixture
def queue(engine_app):
    customer = make_user(department="Sales")
    providers = [make_user(department="IT", password=None) for _ in range(PROVIDERS)]
    return engine_app, customer.id, [provider.id for provider in providers]


def accept_race(app, customer, providers) -> tuple[dict[str, int], list[int], int]:
    """Race every provider's accept on one fresh queued request; return errors, winners and the
    number of accepted events written."""
    request = ask(customer, department=db.session.get(User, providers[0]).department_id)
    calls = [partial(step, provider, request, "accept") for provider in providers]
    results = run_together(app, calls)
    fresh_session()
    winners = [result.value["holder"]["id"] for result in results if result.error is None]
    accepted = db.session.scalar(
        select(func.count())
        .select_from(ServiceRequestEvent)
        .where(
            ServiceRequestEvent.request_id == request["id"], ServiceRequestEvent.kind == "accepted"
        )
    )
    return errors_by_type(results), winners, accepted


def test_two_providers_accepting_at_once_exactly_one_wins(queue):
    app, customer, providers = queue
    for _ in range(TRIALS):
        errors, winners, accepted = accept_race(app, customer, providers)
        assert errors == {"AlreadyAccepted": PROVIDERS - 1}, errors
        assert len(winners) == 1 and accepted == 1
    write_figure("request-accept-race", violations=0, threads=PROVIDERS, trials=TRIALS)


def test_without_the_row_lock_the_race_breaks_through(postgres_app, monkeypatch):
    # Negative control: read the request without FOR UPDATE and the losers no longer learn
    # that it was accepted; the unique (request, seq) index refuses them with a raw error.
    customer = make_user(department="Sales").id
    providers = [make_user(department="IT", password=None).id for _ in range(PROVIDERS)]
    monkeypatch.setattr(
        "ledger.services.requests.locked_request",
        lambda request_id: db.session.get(ServiceRequest, request_id),
    )
    seen: dict[str, int] = {}
    for _ in range(TRIALS):
        errors, _, accepted = accept_race(postgres_app, customer, providers)
        assert accepted == 1  # the index still holds the line
        for name, count in errors.items():
            seen[name] = seen.get(name, 0) + count
    assert "IntegrityError" in seen, seen


def test_a_close_racing_a_withdrawal_lets_exactly_one_finish_the_request(engine_app):
    customer = make_user(department="Sales").id
    provider = make_user(department="IT", password=None).id
    finals = []
    for _ in range(TRIALS):
        request = ask(customer, provider=provider)
        step(provider, request, "accept")
        step(provider, request, "deliver")
        calls = [
            partial(close_request, request["id"], by=customer, award=THANKS, now=NOW),
            partial(step, customer, request, "withdraw"),
        ]
        results = run_together(engine_app, calls)
        fresh_session()
        errors = errors_by_type(results)
        assert errors == {"RequestFinished": 1}, errors
        winner = next(result.value for result in results if result.error is None)
        winner = getattr(winner, "document", winner)
        # The award came with the close and only with it.
        assert (winner["award_id"] is not None) == (winner["state"] == "closed")
        assert db.session.scalar(select(func.count()).select_from(Award)) == finals.count(
            "closed"
        ) + (winner["state"] == "closed")
        events = events_of([request["id"]])[request["id"]]
        assert [event.kind for event in events][:-1] == ["opened", "accepted", "delivered"]
        assert events[-1].kind == winner["events"][-1]["kind"]
        finals.append(winner["state"])
    assert set(finals) <= {"closed", "withdrawn"}
    write_figure("request-close-withdraw-race", violations=0, trials=TRIALS)
