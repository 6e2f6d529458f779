"""Opposing flows: awards both ways, reversals and top-ups between two people at once."""

from __future__ import annotations

import builtins
import importlib
import random
import threading
import time
from functools import partial

import pytest

from ledger import postings
from ledger.operations import Actor
from ledger.queries.balances import balances
from ledger.reconciliation import verify_ledger
from ledger.services import award_points, reverse_award, top_up
from tests.factories import ADMIN_ACTOR, make_user
from tests.ledger.concurrency import fresh_session, run_together

pytestmark = pytest.mark.heavy

# The package exports the `db` handle under the same name, so fetch the module itself.
db_module = importlib.import_module("ledger.db")

THREADS = 16
EACH_WAY = 200
EARLIER = 40  # earlier awards each way, all reversed during the run
TOP_UP = 2000
TOP_UPS = 20  # concurrent top-ups of 5 points each, per person
SEED = 20261116
DEADLOCK = "40P01"


def points_for(index: int) -> int:
    return index % 5 + 1


def give(giver: int, recipient: int, points: int, now):
    return award_points(
        giver=giver,
        recipients=[recipient],
        points=points,
        message="Thanks for the hand-over notes.",
        service_kind="need",
        now=now,
        actor=Actor(giver),
    )


@pytest.fixture
def transient_errors(monkeypatch):
    """Record the SQLSTATE (or text) of every error write_transaction retries."""
    seen: list[str] = []
    original = db_module._is_transient

    def counting(error):
        transient = original(error)
        if transient:
            seen.append(getattr(error.orig, "sqlstate", None) or str(error.orig))
        return transient

    monkeypatch.setattr(db_module, "_is_transient", counting)
    return seen


@pytest.fixture
def two_people(now):
    """Return two people with large allowances and earlier awards each way to reverse."""
    first, second = make_user(password=None).id, make_user(password=None).id
    for person in (first, second):
        top_up(person, points=TOP_UP, reason="Opposing flows", now=now, actor=ADMIN_ACTOR)
    earlier = {
        (giver, recipient): [
            give(giver, recipient, points_for(index), now).document["id"]
            for index in range(EARLIER)
        ]
        for giver, recipient in ((first, second), (second, first))
    }
    return first, second, earlier


def run_jobs(jobs) -> list[str]:
    """Run one thread's share of the jobs in order; return the errors as names."""
    errors = []
    for job in jobs:
        try:
            job()
        except Exception as error:  # every error here is a failure the test reports
            errors.append(f"{type(error).__name__}: {error}")
    return errors


def test_awards_both_ways_and_reversals_end_in_exact_balances(
    engine_app, two_people, transient_errors, now
):
    first, second, earlier = two_people
    jobs = [partial(give, first, second, points_for(i), now) for i in range(EACH_WAY)]
    jobs += [partial(give, second, first, points_for(i), now) for i in range(EACH_WAY)]
    jobs += [
        partial(reverse_award, award_id, reason="Opposing flows", now=now, actor=ADMIN_ACTOR)
        for award_ids in earlier.values()
        for award_id in award_ids
    ]
    jobs += [
        partial(top_up, person, points=5, reason="Opposing flows", now=now, actor=ADMIN_ACTOR)
        for person in (first, second)
        for _ in range(TOP_UPS)
    ]
    random.Random(SEED).shuffle(jobs)
    results = run_together(
        engine_app, [partial(run_jobs, jobs[index::THREADS]) for index in range(THREADS)]
    )
    fresh_session()
    given = sum(points_for(i) for i in range(EACH_WAY))
    figures = {
        "errors": [
            error
            for result in results
            for error in (result.value if result.error is None else [repr(result.error)])
        ],
        "deadlocks": transient_errors.count(DEADLOCK),
        "balances": [
            (
                balances(person, now)["allowance_remaining"],
                balances(person, now)["earned_unconverted"],
            )
            for person in (first, second)
        ],
    }
    assert figures == {
        "errors": [],
        "deadlocks": 0,
        "balances": [(100 + TOP_UP + 5 * TOP_UPS - given, given)] * 2,
    }
    report = verify_ledger()
    assert report["ok"], report["problems"]


@pytest.fixture
def forced_interleaving(monkeypatch):
    """Make an award and a reversal over the same accounts each lock one row, then the other.

    Both transactions meet at a barrier before their first balance update and pause after
    it, so each holds one row lock when it asks for the second: the schedule a deadlock
    needs, every time, instead of now and then.
    """
    barrier = threading.Barrier(2, timeout=10)
    local = threading.local()
    original_apply = postings._apply

    def scheduled_apply(account_id, kind, delta):
        if getattr(local, "armed", False):
            local.applied = getattr(local, "applied", 0) + 1
            if local.applied == 1:
                barrier.wait()
            elif local.applied == 2:
                time.sleep(0.3)
        original_apply(account_id, kind, delta)

    def ordered(account_ids):
        return builtins.sorted(account_ids, reverse=getattr(local, "descending", False))

    monkeypatch.setattr(postings, "_apply", scheduled_apply)
    monkeypatch.setattr(postings, "sorted", ordered, raising=False)

    def arm(call, *, descending: bool):
        def armed():
            local.armed, local.descending = True, descending
            try:
                return call()
            finally:
                local.armed = False

        return armed

    return arm


@pytest.mark.parametrize(("descending", "deadlocks"), [(False, 0), (True, 1)])
def test_only_updates_out_of_account_order_deadlock_on_postgresql(
    postgres_app, two_people, transient_errors, forced_interleaving, now, descending, deadlocks
):
    """Negative control: the same forced schedule deadlocks only when one side is unsorted.

    The opposing test asserts that no deadlock happens; here PostgreSQL detects one as soon
    as the reversal updates its rows in descending id order, and the retry absorbs it.
    """
    first, second, earlier = two_people
    award = forced_interleaving(partial(give, first, second, 7, now), descending=False)
    reversal = forced_interleaving(
        partial(
            reverse_award, earlier[first, second][0], reason="Forced", now=now, actor=ADMIN_ACTOR
        ),
        descending=descending,
    )
    results = run_together(postgres_app, [award, reversal])
    fresh_session()
    assert [result.error for result in results] == [None, None]
    assert transient_errors == [DEADLOCK] * deadlocks
    expected_allowance = 100 + TOP_UP - sum(points_for(i) for i in range(EARLIER)) + 1 - 7
    assert balances(first, now)["allowance_remaining"] == expected_allowance
    assert verify_ledger()["ok"]
