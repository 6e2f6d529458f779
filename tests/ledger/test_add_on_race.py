"""An undo racing an add-on and a bonus commit over one award: one consistent outcome.

Each trial gives a fresh award, drafts a bonus run over it, then releases three threads
together: the giver withdraws it, a colleague adds to it, the manager commits the run. The
withdrawal must win alone (the add-on refused `already_reversed`, the commit `draft_stale`)
or lose by name to what happened first (`already_added_to`, `already_converted`). Both
sides sleep right after their checks, so without the add-on's lock on the award's lines
both would pass them: the negative control shows the test then fails.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from functools import partial

import pytest

from ledger import rules
from ledger.db import db
from ledger.errors import AlreadyAddedTo, AlreadyConverted, AlreadyReversed, DraftStale
from ledger.models import User
from ledger.operations import Actor
from ledger.queries.balances import balances
from ledger.reconciliation import verify_ledger
from ledger.services import add_ons as add_ons_module
from ledger.services import add_to_award, award_points, withdraw_award
from ledger.services import withdrawals as withdrawals_module
from tests.bonus.helpers import commit, draft, version_of
from tests.factories import make_user
from tests.ledger.concurrency import fresh_session, run_together

pytestmark = pytest.mark.heavy

TRIALS = 8
PAUSE = 0.3  # after each side's check, before its writes: the window a missing lock opens
END = datetime(2026, 11, 20, tzinfo=UTC)  # when balances are read: every trial is before it


@pytest.fixture
def people(engine_app):
    return _people()


@pytest.fixture
def pg_people(postgres_app):
    return _people()


def _people() -> dict[str, int]:
    manager = make_user(role="manager", name="Mia Manager")
    return {
        "manager": manager.id,
        "recipient": make_user(name="Rob", manager=manager.email).id,
        "giver": make_user(name="Gia", department="Sales").id,
        "adder": make_user(name="Ady", department="Sales").id,
    }


@pytest.fixture
def widened(monkeypatch):
    """Pause each side after its check, so that only a lock can order them."""
    check_add_on, refuse = rules.check_add_on, withdrawals_module._refuse_if_added_to

    def slow_check(*args, **kwargs):
        check_add_on(*args, **kwargs)
        time.sleep(PAUSE)

    def slow_refuse(award):
        refuse(award)
        time.sleep(PAUSE)

    monkeypatch.setattr(rules, "check_add_on", slow_check)
    monkeypatch.setattr(withdrawals_module, "_refuse_if_added_to", slow_refuse)


def trial(app, people: dict[str, int], index: int) -> dict:
    """Race the three over a fresh award given 5 minutes before midnight; return who won."""
    given_at = datetime(2026, 11, 2 + index, 23, 55, tzinfo=UTC)
    acted_at = given_at + timedelta(minutes=7)  # inside the undo window, on the next day
    award = award_points(giver=people["giver"], recipients=[people["recipient"]], points=1,
                         message="Thanks for the late-night fix.", service_kind="need",
                         now=given_at, actor=Actor(people["giver"])).document  # fmt: skip
    # The run ends the day of the award, so the add-on (the next day) cannot make it stale.
    manager = db.session.get(User, people["manager"])
    run = draft(manager, since=date(2026, 11, 1), until=given_at.date(),
                now=acted_at - timedelta(minutes=1))  # fmt: skip
    version = version_of(run["id"])
    fresh_session()
    undo, add, paid = run_together(
        app,
        [
            partial(withdraw_award, award["id"], now=acted_at, actor=Actor(people["giver"])),
            partial(
                add_to_award,
                award["id"],
                giver=people["adder"],
                points=1,
                now=acted_at,
                actor=Actor(people["adder"]),
            ),
            partial(commit, people["manager"], run["id"], version=version, now=acted_at),
        ],
    )
    fresh_session()
    return {"undo": undo.error, "add": add.error, "commit": paid.error}


def consistent(outcome: dict) -> bool:
    """Say whether one trial's three answers tell one story."""
    undo, add, paid = outcome["undo"], outcome["add"], outcome["commit"]
    if undo is None:  # the withdrawal won: the others must have been refused because of it
        return isinstance(add, AlreadyReversed) and isinstance(paid, DraftStale)
    if isinstance(undo, AlreadyAddedTo):
        return add is None and (paid is None or isinstance(paid, DraftStale))
    if isinstance(undo, AlreadyConverted):
        return paid is None and (add is None or isinstance(add, AlreadyReversed))
    return False


def run_trials(app, people) -> list[dict]:
    return [trial(app, people, index) for index in range(TRIALS)]


def test_an_undo_racing_an_add_on_and_a_commit_has_one_outcome(engine_app, people, widened):
    outcomes = run_trials(engine_app, people)
    assert all(consistent(outcome) for outcome in outcomes), outcomes
    stood = sum(outcome["undo"] is not None for outcome in outcomes)
    added = sum(outcome["add"] is None for outcome in outcomes)
    # Books balance: each side paid exactly for what stands, and reconciliation agrees.
    assert balances(people["giver"], END)["allowance_remaining"] == 100 - stood
    assert balances(people["adder"], END)["allowance_remaining"] == 100 - added
    assert balances(people["recipient"], END)["earned_lifetime"] == stood + added
    report = verify_ledger()
    assert report["ok"], report["problems"]


def test_without_the_add_ons_lock_the_race_is_caught(postgres_app, pg_people, widened, monkeypatch):
    # Negative control: an add-on that does not lock the award's lines checks for a reversal
    # while the withdrawal checks for add-ons, and both go through.
    monkeypatch.setattr(add_ons_module, "lock_line_ids", lambda ids: None)
    outcomes = run_trials(postgres_app, pg_people)
    both = [o for o in outcomes if o["undo"] is None and o["add"] is None]
    assert both, outcomes
    assert not all(consistent(outcome) for outcome in outcomes)
