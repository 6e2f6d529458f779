"""The allowance race: 32 awards against one allowance worth ten of them, released together."""

from __future__ import annotations

import importlib
import time
from functools import partial

import pytest
from sqlalchemy import select, update

from ledger import postings
from ledger.db import db
from ledger.errors import InsufficientAllowance
from ledger.models import Account
from ledger.operations import Actor
from ledger.queries.balances import balances
from ledger.reconciliation import verify_ledger
from ledger.services import award_points
from tests.delivery.helpers import count_award_events_against_awards
from tests.factories import make_user
from tests.figures import engine, write_figure
from tests.ledger.concurrency import errors_by_type, fresh_session, run_together

pytestmark = pytest.mark.heavy

# The package exports the `db` handle under the same name, so fetch the module itself.
db_module = importlib.import_module("ledger.db")

THREADS = 32
TRIALS = 10
CONTROL_TRIALS = 3
POINTS = 10
ALLOWANCE = 100  # the default policy's base allowance; the givers manage no one


@pytest.fixture
def people():
    givers = [make_user(password=None).id for _ in range(TRIALS)]
    recipients = [make_user(password=None).id for _ in range(4)]
    return givers, recipients


def race(app, giver, recipients, now) -> dict:
    """Release THREADS awards by `giver` at once and return what they produced."""
    calls = [
        partial(
            award_points,
            giver=giver,
            recipients=[recipients[index % len(recipients)]],
            points=POINTS,
            message="Thanks for covering the on-call shift.",
            service_kind="need",
            now=now,
            actor=Actor(giver),
        )
        for index in range(THREADS)
    ]
    results = run_together(app, calls)
    fresh_session()
    accepted = sum(result.error is None for result in results)
    return {
        "accepted": accepted,
        "errors": errors_by_type(results),
        "remaining": balances(giver, now)["allowance_remaining"],
        "verified": verify_ledger()["ok"],
        "events": count_award_events_against_awards(),
    }


def violations(figures: dict) -> list[str]:
    """Name every way a trial's figures break the race's pass figure."""
    found = []
    if figures["accepted"] * POINTS != ALLOWANCE:
        found.append(f"{figures['accepted']} awards of {POINTS} accepted from {ALLOWANCE}")
    if figures["remaining"] != 0:
        found.append(f"{figures['remaining']} points left")
    if figures["errors"] != {"InsufficientAllowance": THREADS - figures["accepted"]}:
        found.append(f"errors {figures['errors']}")
    if not figures["verified"]:
        found.append("reconciliation failed")
    awards, told, exactly_once = figures["events"]
    if not awards == told == exactly_once:
        found.append(f"{awards} awards, {told} award.created events, {exactly_once} told once")
    return found


def test_exactly_the_allowance_is_spent_and_the_rest_are_refused(engine_app, people, now):
    givers, recipients = people
    trials = [race(engine_app, giver, recipients, now) for giver in givers]
    broken = sum(bool(violations(figures)) for figures in trials)
    write_figure(f"race-{engine()}", violations=broken, threads=THREADS, trials=len(trials))
    assert [violations(figures) for figures in trials] == [[]] * TRIALS, trials


def naive_apply(account_id: int, kind: str, delta: int) -> None:
    """Read the balance into Python, check it, and write it back: the bug the race hunts."""
    balance = db.session.scalar(select(Account.balance).where(Account.id == account_id))
    if delta < 0 and kind in postings.BOUNDED_KINDS and balance < -delta:
        raise InsufficientAllowance(cost=-delta, remaining=balance)
    time.sleep(0.002)  # what a slow request does between the read and the write
    db.session.execute(
        update(Account)
        .where(Account.id == account_id)
        .values(balance=balance + delta, version=Account.version + 1)
        .execution_options(synchronize_session=False)
    )


def test_the_race_catches_a_read_modify_write_on_postgresql(postgres_app, people, now, monkeypatch):
    """Negative control: with a naive balance update the race test goes red."""
    givers, recipients = people
    monkeypatch.setattr(postings, "_apply", naive_apply)
    trials = [race(postgres_app, giver, recipients, now) for giver in givers[:CONTROL_TRIALS]]
    assert any(violations(figures) for figures in trials), trials


def test_the_race_catches_database_is_locked_on_sqlite(app, people, now, monkeypatch):
    """Negative control: without SQLite's busy timeout, locks reach the caller."""
    givers, recipients = people
    monkeypatch.setattr(db_module, "SQLITE_BUSY_TIMEOUT_MS", 0)
    fresh_session()
    db.engine.dispose()  # new connections pick up the zero busy timeout
    trials = [race(app, giver, recipients, now) for giver in givers[:CONTROL_TRIALS]]
    assert any(violations(figures) for figures in trials), trials
    assert any(set(figures["errors"]) - {"InsufficientAllowance"} for figures in trials), trials
