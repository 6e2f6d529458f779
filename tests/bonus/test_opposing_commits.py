"""Opposing flows with money: bonus commits race awards both ways and reversals of the lines."""

from __future__ import annotations

import random
from datetime import timedelta
from functools import partial

import pytest
from flask import current_app
from sqlalchemy import func, select

from ledger.bonus.rules import Rule
from ledger.bonus.services import create_draft
from ledger.db import db
from ledger.errors import AlreadyCommitted, AlreadyConverted, DraftStale
from ledger.models import AwardLine, Conversion, Reversal
from ledger.operations import Actor
from ledger.queries.balances import balances
from ledger.reconciliation import verify_ledger
from ledger.services import award_points, reverse_award, top_up
from tests.bonus.helpers import commit
from tests.factories import ADMIN_ACTOR, make_user
from tests.ledger.concurrency import fresh_session, run_together

pytestmark = pytest.mark.heavy

THREADS = 12
EARLIER = 30  # earlier awards each way: in the runs' window, raced by reversals
NEW = 60  # new awards each way, after the window
EXPECTED_REFUSALS = (AlreadyConverted, DraftStale, AlreadyCommitted)
SEED = 20261127


def give(giver, recipient, points, now):
    return award_points(giver=giver, recipients=[recipient], points=points,
                        message="Thanks for the quick turnaround.", service_kind="need",
                        now=now, actor=Actor(giver))  # fmt: skip


def attempt(job):
    """Run one job; a documented refusal is an outcome, anything else a failure."""
    try:
        job()
    except EXPECTED_REFUSALS as refusal:
        return type(refusal).__name__
    return "ok"


@pytest.fixture
def teams(engine_app, now):
    ma = make_user(role="manager", password=None)
    mb = make_user(role="manager", password=None)
    a = make_user(manager=ma.email, password=None)
    b = make_user(manager=mb.email, password=None, department="Sales")
    for person in (a.id, b.id):
        top_up(person, points=5000, reason="opposing commits", now=now - timedelta(days=2),
               actor=ADMIN_ACTOR)  # fmt: skip
    earlier = [give(g, r, 1 + i % 4, now - timedelta(days=2)).document["id"]
               for i in range(EARLIER) for g, r in ((a.id, b.id), (b.id, a.id))]  # fmt: skip
    window_end = (now - timedelta(days=1)).date()
    runs = [
        create_draft(scope=f"team:{manager.id}", since=window_end - timedelta(days=30),
                     until=window_end, rule=Rule("rate", cents_per_point=100), currency="EUR",
                     now=now, actor=Actor(manager.id)).document["id"]
        for manager in (ma, mb)
    ]  # fmt: skip
    return {"managers": (ma.id, mb.id), "people": (a.id, b.id), "earlier": earlier,
            "runs": runs}  # fmt: skip


def test_commits_awards_and_reversals_over_the_same_people_end_exact(teams, now):
    a, b = teams["people"]
    jobs = [partial(give, a, b, 1 + i % 4, now) for i in range(NEW)]
    jobs += [partial(give, b, a, 1 + i % 4, now) for i in range(NEW)]
    jobs += [partial(reverse_award, award_id, reason="race", now=now, actor=ADMIN_ACTOR)
             for award_id in teams["earlier"]]  # fmt: skip
    for run_id, manager in zip(teams["runs"], teams["managers"], strict=True):
        # Each commit previews the run, then commits the version it saw.
        jobs += [partial(commit, manager, run_id, now=now)] * 4
    random.Random(SEED).shuffle(jobs)

    def share(index):
        return [attempt(job) for job in jobs[index::THREADS]]

    results = run_together(
        current_app._get_current_object(), [partial(share, index) for index in range(THREADS)]
    )
    fresh_session()
    failures = [repr(result.error) for result in results if result.error is not None]
    assert failures == []  # no deadlock, busy or other error reached a caller
    outcomes = [outcome for result in results for outcome in result.value]
    print("outcomes:", {name: outcomes.count(name) for name in set(outcomes)})
    assert outcomes.count("ok") >= 2 * NEW

    # Each earlier line ends either reversed or converted by a live run, never both (the
    # negative control, reversals without the line locks, is in test_reversal_race.py).
    reversed_awards = set(db.session.scalars(select(Reversal.award_id)))
    converted = dict(
        db.session.execute(
            select(AwardLine.award_id, func.count())
            .join(Conversion, Conversion.award_line_id == AwardLine.id)
            .where(Conversion.voided_at.is_(None))
            .group_by(AwardLine.award_id)
        ).all()
    )
    for award_id in teams["earlier"]:
        assert (award_id in reversed_awards) != (award_id in converted), award_id
    # The new awards, outside the runs' window, are all still earned and unconverted.
    new_points = sum(1 + i % 4 for i in range(NEW))
    for person in (a, b):
        assert balances(person, now)["earned_unconverted"] == new_points
    report = verify_ledger()
    assert report["ok"], report["problems"]
