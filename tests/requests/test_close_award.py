"""Closing with an award: the chain is paid through the award rules in the same operation, and
a refused award leaves the request delivered."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ledger.db import db
from ledger.errors import LedgerError
from ledger.models import Award, RequestAwardLine, ServiceRequestEvent
from ledger.operations import Actor
from ledger.queries.balances import balances
from ledger.queries.feed import award_by_id
from ledger.reconciliation import verify_ledger
from ledger.services import award_points
from ledger.services.directory import deactivate_user
from ledger.services.request_close import CloseAward, close_request
from tests.factories import ADMIN_ACTOR, NOW, make_award, make_user
from tests.requests.helpers import ask, key, step

THANKS = CloseAward(20, "Laptops ready a day early, thank you both.", "need")


@pytest.fixture
def relay(engine_app):
    """A request from Sales to IT, handed on once and delivered on time."""
    customer = make_user(department="Sales")
    first, second = make_user(department="IT"), make_user(department="IT")
    request = ask(customer, department=first.department_id, due=NOW + timedelta(days=3))
    step(first, request, "accept")
    step(first, request, "handoff", to=second)
    step(second, request, "deliver", now=NOW + timedelta(days=2))
    return customer, first, second, request


def close(customer, request, award=THANKS, idempotency=None):
    return close_request(
        request["id"],
        by=customer.id,
        note="Just what we needed.",
        award=award,
        now=NOW + timedelta(days=2),
        actor=Actor(customer.id),
        idempotency=key(customer.id, idempotency) if idempotency else None,
    )


def counts() -> tuple[int, int, int]:
    def count(model):
        return db.session.scalar(select(func.count()).select_from(model))

    return count(Award), count(RequestAwardLine), count(ServiceRequestEvent)


def test_closing_with_an_award_pays_each_provider_and_records_the_relay(relay):
    customer, first, second, request = relay
    before = balances(customer.id, NOW)["allowance_remaining"]
    closed = close(customer, request).document
    assert closed["state"] == "closed" and closed["award_id"] is not None
    award = award_by_id(closed["award_id"])
    assert [(line["recipient"]["id"], line["points"]) for line in award["lines"]] == [
        (first.id, 20),
        (second.id, 20),
    ]
    assert award["request"] == {
        "id": request["id"],
        "lead_time_seconds": 3 * 86400,
        "on_time": True,
        "positions": [
            {"recipient_id": first.id, "position": 1},
            {"recipient_id": second.id, "position": 2},
        ],
    }
    assert award["proactive"] is False
    assert balances(customer.id, NOW)["allowance_remaining"] == before - 40
    assert balances(second.id, NOW)["earned_unconverted"] == 20
    stored = db.session.scalars(select(RequestAwardLine).order_by(RequestAwardLine.position)).all()
    assert [(row.position, row.on_time, row.lead_time_seconds) for row in stored] == [
        (1, True, 3 * 86400),
        (2, True, 3 * 86400),
    ]
    assert verify_ledger()["ok"]


def test_a_late_delivery_is_recorded_as_late_on_the_lines(engine_app):
    customer, provider = make_user(), make_user()
    request = ask(customer, provider=provider, due=NOW + timedelta(hours=1))
    step(provider, request, "accept")
    step(provider, request, "deliver", now=NOW + timedelta(hours=5))
    closed = close(customer, request).document
    assert award_by_id(closed["award_id"])["request"]["on_time"] is False


@pytest.mark.parametrize(
    ("award", "code"),
    [
        (CloseAward(60, THANKS.message, "need"), "validation_error"),  # over 50 a recipient
        (CloseAward(20, "short", "need"), "validation_error"),
        (CloseAward(20, THANKS.message, "no-such-kind"), "validation_error"),
    ],
)
def test_a_refused_award_leaves_the_request_delivered(relay, award, code):
    customer, _, _, request = relay
    before, allowance = counts(), balances(customer.id, NOW)["allowance_remaining"]
    with pytest.raises(LedgerError) as refused:
        close(customer, request, award)
    assert refused.value.code == code
    assert counts() == before
    assert balances(customer.id, NOW)["allowance_remaining"] == allowance
    still = step(customer, request, "close", note="")  # and it can still be closed
    assert still["state"] == "closed" and still["award_id"] is None


def test_an_award_beyond_the_allowance_is_refused_and_the_request_stays_delivered(relay):
    customer, _, _, request = relay
    make_award(customer, [make_user()], points=50)
    make_award(customer, [make_user()], points=40)  # 10 left: not enough for 2 x 20
    with pytest.raises(LedgerError) as refused:
        close(customer, request, idempotency="close-1")
    assert refused.value.code == "insufficient_allowance"
    assert (
        db.session.scalar(
            select(ServiceRequestEvent.kind)
            .where(ServiceRequestEvent.request_id == request["id"])
            .order_by(ServiceRequestEvent.seq.desc())
            .limit(1)
        )
        == "delivered"
    )
    # The refusal is stored on its key: the same key replays it, nothing more is written.
    before = counts()
    with pytest.raises(LedgerError):
        close(customer, request, idempotency="close-1")
    assert counts() == before


def test_a_provider_who_left_makes_the_award_refused_not_half_given(relay):
    customer, first, _, request = relay
    deactivate_user(first.id, now=NOW, actor=ADMIN_ACTOR)
    before = counts()
    with pytest.raises(LedgerError) as refused:
        close(customer, request)
    assert refused.value.code == "recipient_inactive"
    assert counts() == before


def test_a_replayed_close_gives_the_award_once(relay):
    customer, _, _, request = relay
    first = close(customer, request, idempotency="close-once")
    again = close(customer, request, idempotency="close-once")
    assert again.replayed and again.document == first.document
    assert counts()[0] == 1


def test_an_award_without_a_request_may_be_marked_proactive(engine_app):
    giver, helper = make_user(), make_user()
    document = award_points(giver=giver.id, recipients=[helper.id], points=5,
                            message="Fixed the build before I even noticed.",
                            service_kind="proactive", now=NOW, actor=Actor(giver.id),
                            proactive=True).document  # fmt: skip
    assert document["proactive"] is True and document["request"] is None
    assert award_by_id(document["id"])["proactive"] is True
    plain = make_award(giver, [helper])
    assert plain["proactive"] is False
