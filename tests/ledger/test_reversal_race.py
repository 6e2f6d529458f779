"""Double reversal: every award reversed twice at once is reversed exactly once."""

from __future__ import annotations

from functools import partial

import pytest
from sqlalchemy import insert

from ledger.errors import AlreadyReversed
from ledger.operations import Actor
from ledger.queries.balances import balances
from ledger.reconciliation import verify_ledger
from ledger.services import award_points, reverse_award
from ledger.services import reversals as reversals_module
from tests.factories import ADMIN_ACTOR, make_user
from tests.ledger.concurrency import errors_by_type, fresh_session, run_together

pytestmark = pytest.mark.heavy

AWARDS = 16  # a round reverses each twice: 32 threads
ROUNDS = 3
POINTS = 1  # ROUNDS x AWARDS x 2 recipients fits in the 100-point allowance


@pytest.fixture
def awards(now):
    """Return the giver, the two recipients and ROUNDS x AWARDS awards from one to both."""
    giver, first, second = (make_user(password=None).id for _ in range(3))
    ids = [
        award_points(
            giver=giver,
            recipients=[first, second],
            points=POINTS,
            message="Thanks for pairing on the migration.",
            service_kind="lead-time",
            now=now,
            actor=Actor(giver),
        ).document["id"]
        for _ in range(ROUNDS * AWARDS)
    ]
    return giver, [first, second], ids


def reverse_each_twice(app, award_ids, now) -> dict:
    calls = [
        partial(
            reverse_award, award_id, reason="Given twice by mistake", now=now, actor=ADMIN_ACTOR
        )
        for award_id in award_ids
        for _ in range(2)
    ]
    results = run_together(app, calls)
    fresh_session()
    reversed_ids = sorted(r.value.document["award_id"] for r in results if r.error is None)
    return {
        "reversed": reversed_ids,
        "errors": errors_by_type(results),
        "refusals_named": all(
            isinstance(r.error, AlreadyReversed) for r in results if r.error is not None
        ),
    }


def test_each_award_is_reversed_once_and_the_second_try_is_refused(engine_app, awards, now):
    giver, recipients, award_ids = awards
    for start in range(0, len(award_ids), AWARDS):
        batch = award_ids[start : start + AWARDS]
        figures = reverse_each_twice(engine_app, batch, now)
        assert figures == {
            "reversed": sorted(batch),
            "errors": {"AlreadyReversed": AWARDS},
            "refusals_named": True,
        }
    assert balances(giver, now)["allowance_remaining"] == 100
    assert [balances(person, now)["earned_unconverted"] for person in recipients] == [0, 0]
    report = verify_ledger()
    assert report["ok"], report["problems"]


def plain_insert(model, values, conflict, where=None):
    """Insert without ON CONFLICT: the second reversal hits the unique index as an error."""
    return insert(model).values(**values)


def test_the_double_reversal_test_catches_a_claim_without_on_conflict(
    engine_app, awards, now, monkeypatch
):
    """Negative control: a reversal claimed by a plain insert leaks IntegrityError."""
    _giver, _recipients, award_ids = awards
    monkeypatch.setattr(reversals_module, "upsert", plain_insert)
    batch = award_ids[:AWARDS]
    figures = reverse_each_twice(engine_app, batch, now)
    assert figures["reversed"] == sorted(batch)
    assert figures["errors"] != {"AlreadyReversed": AWARDS}
    assert not figures["refusals_named"]
