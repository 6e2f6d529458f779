"""The monthly rollups behind the leaderboard, on both engines: the triggers keep them exact
through awards and reversals, `verify` catches a rollup that drifts from the lines, and the
board read from the rollups equals the board read from the lines, page for page."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, text

from ledger.db import db
from ledger.models import RecipientMonth
from ledger.queries.leaderboard import Window, leaderboard
from ledger.queries.rolled_board import rolled_up_page
from ledger.reconciliation import verify_ledger
from ledger.services import reverse_award
from tests.factories import ADMIN_ACTOR, NOW, make_award, make_user

OCTOBER, NOVEMBER, DECEMBER = (datetime(2026, month, 1, tzinfo=UTC) for month in (10, 11, 12))


def stored() -> dict:
    rows = db.session.scalars(select(RecipientMonth)).all()
    return {
        (row.recipient_id, row.month): (row.points, row.awards, row.points_up, row.points_down,
                                        row.points_lateral)
        for row in rows
    }  # fmt: skip


def test_awards_and_reversals_keep_the_months_exact(engine_app):
    boss = make_user(name="Boss", role="manager")
    ann, bob = (make_user(name=name, manager=boss.email) for name in ("Ann", "Bob"))
    make_award(boss, [ann, bob], points=7, now=NOVEMBER + timedelta(days=2))  # served up
    make_award(ann, [boss], points=5, now=NOVEMBER + timedelta(days=3))  # served down
    make_award(bob, [ann], points=4, now=OCTOBER + timedelta(days=30, hours=23))  # last hour
    reversed_ = make_award(bob, [ann, boss], points=3, now=NOVEMBER + timedelta(days=4))
    reverse_award(reversed_["id"], reason="given by mistake", now=NOW, actor=ADMIN_ACTOR)
    assert stored() == {
        (ann.id, date(2026, 11, 1)): (7, 1, 7, 0, 0),
        (bob.id, date(2026, 11, 1)): (7, 1, 7, 0, 0),
        (boss.id, date(2026, 11, 1)): (5, 1, 0, 5, 0),  # the reversed 3 taken back out
        (ann.id, date(2026, 10, 1)): (4, 1, 0, 0, 4),
    }
    assert verify_ledger()["ok"]


@pytest.mark.parametrize(
    "tamper",
    [
        "UPDATE recipient_months SET points = points + 1 WHERE month = '2026-11-01'",
        "UPDATE recipient_months SET points_up = points_up + 1, points_down = points_down - 1",
        "DELETE FROM recipient_months WHERE month = '2026-10-01'",
        "INSERT INTO recipient_months VALUES ({ann}, '2026-09-01', 1, 1, 0, 0, 1)",
    ],
)
def test_verify_reports_a_rollup_that_disagrees_with_the_lines(engine_app, tamper):
    ann, bob = make_user(name="Ann"), make_user(name="Bob")
    make_award(bob, [ann], points=6, now=NOVEMBER + timedelta(days=1))
    make_award(bob, [ann], points=2, now=OCTOBER + timedelta(days=1))
    assert verify_ledger()["ok"]  # the control: untouched, it agrees
    db.session.execute(text(tamper.format(ann=ann.id)))
    problems = verify_ledger()["problems"]
    assert problems and {problem["check"] for problem in problems} == {"rollup"}
    assert {problem["recipient"] for problem in problems} == {ann.id}


@pytest.fixture
def random_ledger(engine_app):
    """Forty awards over three months among eight people, small points so ties are common,
    a few reversed; one person only in reversed awards; two tied on points and awards whom
    only their customers order (Zoe's two givers before Aaron's one, against name order)."""
    rng = random.Random(13)
    people = [make_user(name=name) for name in ("Ann", "bob", "Cy", "cy", "Dee", "Émile")]
    givers = [make_user(name=f"Giver {n}") for n in range(4)]
    ghost = make_user(name="Ghost")
    reverse = [make_award(givers[0], [ghost], points=2, now=NOVEMBER + timedelta(days=3))]
    aaron, zoe = make_user(name="Aaron"), make_user(name="Zoe")
    for giver, person in (
        (givers[1], aaron),
        (givers[1], aaron),
        (givers[1], zoe),
        (givers[2], zoe),
    ):
        make_award(giver, [person], points=3, now=NOVEMBER + timedelta(days=8))
    for _ in range(40):
        month = rng.choice((OCTOBER, NOVEMBER, DECEMBER))
        moment = month + timedelta(days=rng.randrange(28), hours=rng.randrange(24))
        recipients = rng.sample(people, rng.choice((1, 1, 2)))
        award = make_award(rng.choice(givers), recipients, points=rng.choice((1, 2)), now=moment)
        if rng.random() < 0.1:
            reverse.append(award)
    for award in reverse:
        reverse_award(award["id"], reason="given by mistake", now=NOW, actor=ADMIN_ACTOR)
    return [person.id for person in people]


WINDOWS = [
    Window(NOVEMBER, DECEMBER),  # one whole month
    Window(OCTOBER, DECEMBER + timedelta(days=31)),  # a quarter
    Window(OCTOBER + timedelta(days=10), DECEMBER + timedelta(days=5)),  # edges both sides
    Window(OCTOBER - timedelta(hours=1), NOVEMBER + timedelta(hours=1)),  # a non-UTC month
]


@pytest.mark.parametrize("window", WINDOWS, ids=["month", "quarter", "edges", "shifted"])
@pytest.mark.parametrize("metric", ["points", "awards"])
def test_the_board_from_the_rollups_equals_the_board_from_the_lines(random_ledger, window, metric):
    assert rolled_up_page(window, metric=metric, members=None, offset=0, limit=None) is not None
    everyone = leaderboard(window, metric=metric, rollups=False)
    assert len(everyone) >= 5 and len({row["rank"] for row in everyone}) < len(everyone)  # ties
    assert leaderboard(window, metric=metric) == everyone
    for limit in (1, 2, 3):
        for offset in range(len(everyone) + 1):
            page = leaderboard(window, metric=metric, offset=offset, limit=limit)
            assert page == everyone[offset : offset + limit], (offset, limit)
    some = set(random_ledger[::2])
    assert leaderboard(window, metric=metric, members=some) == leaderboard(
        window, metric=metric, members=some, rollups=False
    )


def test_a_window_without_a_whole_month_reads_the_lines(random_ledger):
    inside = Window(NOVEMBER + timedelta(days=2), NOVEMBER + timedelta(days=20))
    assert rolled_up_page(inside, metric="points", members=None, offset=0, limit=None) is None
    assert leaderboard(inside) == leaderboard(inside, rollups=False)
