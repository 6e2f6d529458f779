"""Close versus award: each award in flight lands before the close or is refused."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime
from functools import partial

import pytest
from sqlalchemy import func, select

from ledger.db import db
from ledger.models import Account, Award, AwardLine, Period, Seal, Transfer
from ledger.operations import Actor
from ledger.reconciliation import verify_ledger
from ledger.services import award_points, close_period, reverse_award, top_up
from ledger.services import awards as awards_module
from tests.factories import ADMIN_ACTOR, make_user
from tests.ledger.concurrency import errors_by_type, fresh_session, run_together

pytestmark = pytest.mark.heavy

TRIALS = 5
GIVERS = 8  # the first half hold an allowance before the race, the rest get it lazily
AWARDS_EACH = 3
POINTS = 10
SEED = 20261127


@pytest.fixture
def people():
    return {
        "opener": make_user(password=None).id,
        "givers": [make_user(password=None).id for _ in range(GIVERS)],
        "recipients": [make_user(password=None).id for _ in range(2)],
    }


def give(giver: int, recipient: int, now) -> int:
    return award_points(
        giver=giver,
        recipients=[recipient],
        points=POINTS,
        message="Thanks for closing the books with us.",
        service_kind="need",
        now=now,
        actor=Actor(giver),
    ).document["id"]


def after(delay: float, call, *args):
    time.sleep(delay)
    return call(*args)


def close(key: str, now):
    return close_period(key, now=now, actor=ADMIN_ACTOR, force=True)


def close_race(
    app, people, month: int, rng: random.Random, *, stagger: float = 0.06, close_at=None
) -> dict:
    """Open a month, then race staggered awards, reversals and top-ups against its close."""
    now = datetime(2026, month, 15, 12, tzinfo=UTC)
    key = f"{now:%Y-%m}"
    first, second = people["recipients"]
    give(people["opener"], first, now)
    earlier = [give(giver, second, now) for giver in people["givers"][: GIVERS // 2]]
    # Stagger the writes around the close so that some start before it and some after.
    awards = [
        partial(after, rng.uniform(0, stagger), give, giver, people["recipients"][index % 2], now)
        for giver in people["givers"]
        for index in range(AWARDS_EACH)
    ]
    reversals = [
        partial(after, rng.uniform(0, stagger), reverse, award_id, now) for award_id in earlier
    ]
    top_ups = [
        partial(after, rng.uniform(0, stagger), add, giver, now)
        for giver in people["givers"][GIVERS // 2 - 1 : GIVERS // 2 + 1]
    ]
    closing = partial(after, close_at or rng.uniform(0, 0.03), close, key, now)
    results = run_together(app, [*awards, *reversals, *top_ups, closing])
    fresh_session()
    parts = iter(results)
    award_results, reversal_results, top_up_results = (
        [next(parts) for _ in calls] for calls in (awards, reversals, top_ups)
    )
    return {"closing": next(parts), **figures(key)} | {
        "landed": sum(result.error is None for result in award_results),
        "award_errors": errors_by_type(award_results),
        "reversal_errors": errors_by_type(reversal_results),
        "top_up_errors": errors_by_type(top_up_results),
    }


def reverse(award_id: int, now):
    return reverse_award(award_id, reason="Racing the close", now=now, actor=ADMIN_ACTOR)


def add(giver: int, now):
    return top_up(giver, points=5, reason="Racing the close", now=now, actor=ADMIN_ACTOR)


def figures(key: str) -> dict:
    """Measure the closed period: open or unsealed accounts, leftovers, late transfers."""
    period_id = db.session.scalar(select(Period.id).where(Period.key == key))
    accounts = db.session.execute(
        select(Account.id, Account.balance, Account.closed_at).where(Account.period_id == period_id)
    ).all()
    sealed = set(db.session.scalars(select(Seal.account_id)))
    close_operation = db.session.scalar(
        select(func.min(Transfer.operation_id)).where(
            Transfer.kind == "expiry", Transfer.debit_account_id.in_([a.id for a in accounts])
        )
    )
    first_expiry = db.session.scalar(
        select(func.min(Transfer.id)).where(Transfer.operation_id == close_operation)
    )
    last_award = db.session.scalar(
        select(func.max(Transfer.id))
        .join(AwardLine, AwardLine.id == Transfer.award_line_id)
        .join(Award, Award.id == AwardLine.award_id)
        .where(Transfer.kind == "award", Award.period_id == period_id)
    )
    return {
        "open_accounts": sum(account.closed_at is None for account in accounts),
        "unsealed": sum(account.id not in sealed for account in accounts),
        "left_in_allowances": sum(account.balance for account in accounts),
        "award_after_close": first_expiry is None or last_award > first_expiry,
        "verified": verify_ledger()["ok"],
    }


def violations(trial: dict) -> list[str]:
    """Name every way a trial breaks the close race's pass figure."""
    found = [
        name
        for name in ("open_accounts", "unsealed", "left_in_allowances", "award_after_close")
        if trial[name]
    ]
    if trial["closing"].error is not None:
        found.append(f"the close failed: {trial['closing'].error!r}")
    if (set(trial["award_errors"]) | set(trial["top_up_errors"])) - {"PeriodClosed"}:
        found.append(f"awards or top-ups failed: {trial['award_errors']} {trial['top_up_errors']}")
    if trial["reversal_errors"]:
        found.append(f"reversals failed: {trial['reversal_errors']}")
    if not trial["verified"]:
        found.append("reconciliation failed")
    return found


def test_each_award_lands_before_the_close_or_is_refused(engine_app, people):
    rng = random.Random(SEED)
    trials = [close_race(engine_app, people, month, rng) for month in range(1, TRIALS + 1)]
    assert [violations(trial) for trial in trials] == [[]] * TRIALS, trials


def test_the_close_race_catches_an_award_that_skips_the_period_lock_on_postgresql(
    postgres_app, people, monkeypatch
):
    """Negative control: an award that reads the period unlocked posts into a closed period.

    The awards read the period at once and pause 0.3 s; the close starts at 0.1 s and
    commits meanwhile: the window a missing lock leaves open, held open long enough that
    the control goes red every time rather than now and then.
    """
    original = awards_module.period_at

    def unlocked(now, *, lock=False):
        period = original(now, lock=False)
        time.sleep(0.3)
        return period

    monkeypatch.setattr(awards_module, "period_at", unlocked)
    rng = random.Random(SEED)
    trials = [
        close_race(postgres_app, people, month, rng, stagger=0, close_at=0.1) for month in (1, 2)
    ]
    assert any(violations(trial) for trial in trials), trials
