"""Idempotency under concurrency: one key sent from 16 threads at once has one effect."""

from __future__ import annotations

from functools import partial

import pytest
from sqlalchemy import func, insert, select

from ledger import operations
from ledger.db import db
from ledger.errors import InsufficientAllowance
from ledger.models import Award, Operation
from ledger.operations import Actor, IdempotencyKey, canonical, request_hash
from ledger.queries.balances import balances
from ledger.reconciliation import verify_ledger
from ledger.services import award_points, top_up
from tests.factories import ADMIN_ACTOR, make_user
from tests.ledger.concurrency import errors_by_type, fresh_session, run_together

pytestmark = pytest.mark.heavy

THREADS = 16
MESSAGE = "Thanks for reviewing the incident report overnight."


def keyed_award(giver: int, recipient: int, key: str, now, points: int = 10):
    """Return a call giving `recipient` an award under `giver`'s idempotency key."""
    body = {"recipients": [recipient], "points": points, "message": MESSAGE}
    return partial(
        award_points,
        giver=giver,
        recipients=[recipient],
        points=points,
        message=MESSAGE,
        service_kind="need",
        now=now,
        actor=Actor(giver),
        idempotency=IdempotencyKey(
            f"user:{giver}", key, request_hash("POST", "/api/v1/awards", body)
        ),
    )


def award_count(giver: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Award).where(Award.giver_id == giver))


def successes(results) -> dict:
    """Summarize the threads of one key: distinct documents, replays and errors."""
    fresh_session()
    done = [result.value for result in results if result.error is None]
    return {
        "documents": len({canonical(value.document) for value in done}),
        "replayed": sorted(value.replayed for value in done),
        "errors": errors_by_type(results),
    }


@pytest.fixture
def pair():
    return make_user(password=None).id, make_user(password=None).id


def test_one_key_from_sixteen_threads_gives_one_award_and_fifteen_replays(engine_app, pair, now):
    giver, recipient = pair
    results = run_together(engine_app, [keyed_award(giver, recipient, "k1", now)] * THREADS)
    assert successes(results) == {
        "documents": 1,
        "replayed": [False] + [True] * (THREADS - 1),
        "errors": {},
    }
    assert award_count(giver) == 1
    assert balances(giver, now)["allowance_remaining"] == 90
    assert verify_ledger()["ok"]


def test_a_rejection_decided_first_is_what_every_thread_and_later_retry_gets(engine_app, pair, now):
    giver, recipient = pair
    keyed_award(giver, recipient, "a", now, points=50)()
    keyed_award(giver, recipient, "b", now, points=50)()
    results = run_together(engine_app, [keyed_award(giver, recipient, "c", now)] * THREADS)
    fresh_session()
    assert errors_by_type(results) == {"InsufficientAllowance": THREADS}
    assert len({canonical(result.error.to_document()) for result in results}) == 1
    assert sorted(result.error.replayed for result in results) == [False] + [True] * (THREADS - 1)
    top_up(giver, points=100, reason="More to give", now=now, actor=ADMIN_ACTOR)
    with pytest.raises(InsufficientAllowance) as retry:
        keyed_award(giver, recipient, "c", now)()
    assert retry.value.replayed
    assert retry.value.to_document() == results[0].error.to_document()
    assert award_count(giver) == 2
    report = verify_ledger()
    assert report["ok"], report["problems"]


def test_two_people_sending_the_same_key_at_once_each_get_their_own_award(engine_app, pair, now):
    first, second = pair
    calls = [keyed_award(first, second, "shared", now), keyed_award(second, first, "shared", now)]
    results = run_together(engine_app, calls * (THREADS // 2))
    per_giver = {giver: successes(results[index::2]) for index, giver in enumerate((first, second))}
    expected = {"documents": 1, "replayed": [False] + [True] * (THREADS // 2 - 1), "errors": {}}
    assert per_giver == {first: expected, second: expected}
    assert (award_count(first), award_count(second)) == (1, 1)
    assert db.session.scalar(select(func.count()).select_from(Operation)) >= 2
    assert verify_ledger()["ok"]


def plain_insert(model, values, conflict, where=None):
    """Insert the key without ON CONFLICT: a concurrent duplicate fails instead of replaying."""
    return insert(model).values(**values)


def test_the_concurrent_key_test_catches_a_claim_without_on_conflict(
    engine_app, pair, now, monkeypatch
):
    """Negative control: claiming the key with a plain insert breaks the replay figure."""
    giver, recipient = pair
    monkeypatch.setattr(operations, "upsert", plain_insert)
    results = run_together(engine_app, [keyed_award(giver, recipient, "k1", now)] * THREADS)
    figures = successes(results)
    assert figures["errors"], figures
    assert figures["replayed"] != [False] + [True] * (THREADS - 1)
    assert award_count(giver) == 1
