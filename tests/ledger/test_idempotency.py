"""Idempotent writes at the service level: one effect per principal and key."""

import pytest

from ledger.db import db
from ledger.errors import IdempotencyKeyReused, InsufficientAllowance
from ledger.models import Award, Operation
from ledger.operations import Actor, IdempotencyKey, request_hash
from ledger.queries.balances import balances
from ledger.services import award_points, top_up
from tests.factories import ADMIN_ACTOR, make_user


@pytest.fixture
def pair(engine_app):
    return make_user(), make_user()


def give(giver, recipient, now, key, points=10, principal=None):
    body = {"recipients": [recipient.id], "points": points}
    return award_points(
        giver=giver.id,
        recipients=[recipient.id],
        points=points,
        message="Thanks for unblocking the deploy.",
        service_kind="need",
        now=now,
        actor=Actor(giver.id),
        idempotency=IdempotencyKey(
            principal or f"user:{giver.id}", key, request_hash("POST", "/api/v1/awards", body)
        ),
    )


def test_the_same_key_and_request_replays_the_first_result(pair, now):
    giver, recipient = pair
    first = give(giver, recipient, now, "k1")
    second = give(giver, recipient, now, "k1")
    assert not first.replayed and second.replayed
    assert second.document == first.document
    assert db.session.query(Award).count() == 1
    assert balances(giver.id, now)["allowance_remaining"] == 90


def test_the_same_key_with_another_request_is_refused_and_changes_nothing(pair, now):
    giver, recipient = pair
    give(giver, recipient, now, "k1")
    operations = db.session.query(Operation).count()
    with pytest.raises(IdempotencyKeyReused):
        give(giver, recipient, now, "k1", points=11)
    assert db.session.query(Operation).count() == operations
    assert balances(giver.id, now)["allowance_remaining"] == 90


def test_a_domain_rejection_replays_with_the_same_error(pair, now):
    giver, recipient = pair
    give(giver, recipient, now, "a", points=50)
    give(giver, recipient, now, "b", points=50)
    with pytest.raises(InsufficientAllowance) as first:
        give(giver, recipient, now, "c", points=10)
    top_up(giver.id, points=100, reason="More to give", now=now, actor=ADMIN_ACTOR)
    with pytest.raises(InsufficientAllowance) as replay:
        give(giver, recipient, now, "c", points=10)
    assert replay.value.replayed
    assert replay.value.to_document() == first.value.to_document()
    assert balances(giver.id, now)["allowance_remaining"] == 100
    # A new key is a new request, and now it passes.
    give(giver, recipient, now, "d", points=10)


def test_two_principals_may_use_the_same_key(pair, now):
    giver, recipient = pair
    give(giver, recipient, now, "shared")
    give(recipient, giver, now, "shared")
    assert db.session.query(Award).count() == 2
