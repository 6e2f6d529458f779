"""The conversion row of TESTING.md on PostgreSQL: no award line pays twice among live runs."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from functools import partial

import pytest
import sqlalchemy
from sqlalchemy import select, text

from ledger.bonus import collect
from ledger.bonus.queries import payroll
from ledger.db import db
from ledger.errors import DraftStale
from ledger.models import BonusRun, Conversion
from ledger.reconciliation import verify_ledger
from tests.bonus.helpers import assert_books_reconcile, build_org, commit, draft, give, void
from tests.figures import write_figure
from tests.ledger.concurrency import errors_by_type, fresh_session, run_together

pytestmark = pytest.mark.heavy

THREADS = 8
DECEMBER = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
TRIALS = 3


@pytest.fixture
def org(postgres_app):
    org = build_org()
    give(org.dee, [org.bob, org.cy], 30)
    return postgres_app, org


def live_conversions_per_line() -> Counter:
    fresh_session()
    rows = db.session.scalars(
        select(Conversion.award_line_id).where(Conversion.voided_at.is_(None))
    )
    return Counter(rows)


def test_concurrent_commits_of_one_run_convert_once(org):
    app, org = org
    for trial in range(TRIALS):
        if trial:
            give(org.dee, [org.bob], 1)
        run = draft(org.ann)
        run_id = run["id"]
        # Half the threads share one key, the rest each bring their own; all commit the
        # version the draft showed.
        calls = [
            partial(
                commit,
                org.ann.id,
                run_id,
                f"shared-{trial}" if index % 2 else f"own-{trial}-{index}",
                version=run["version"],
            )
            for index in range(THREADS)
        ]
        results = run_together(app, calls)
        successes = [result.value for result in results if result.error is None]
        errors = errors_by_type(results)
        assert set(errors) <= {"AlreadyCommitted"}, errors
        fresh_session()
        fresh = [value for value in successes if not value.replayed]
        assert len(fresh) == 1
        # Every success is the winner or a replay of it, byte for byte.
        assert {str(value.document) for value in successes} == {str(fresh[0].document)}
    most = max(live_conversions_per_line().values())
    write_figure("paid-once-one-run", violations=int(most != 1), threads=THREADS,
                 trials=TRIALS)  # fmt: skip
    assert most == 1
    assert_books_reconcile()


def test_two_runs_over_the_same_window_convert_each_line_once(org):
    app, org = org
    for _ in range(TRIALS):
        give(org.dee, [org.bob, org.cy], 1)
        team, company = draft(org.ann), draft(org.admin, "company")
        results = run_together(
            app,
            [
                partial(commit, org.ann.id, team["id"], version=team["version"]),
                partial(commit, org.admin.id, company["id"], version=company["version"]),
            ],
        )
        outcomes = sorted(type(result.error).__name__ for result in results)
        assert outcomes == ["DraftStale", "NoneType"], outcomes
    most = max(live_conversions_per_line().values())
    write_figure("paid-once-two-runs", violations=int(most != 1), threads=2,
                 trials=TRIALS)  # fmt: skip
    assert most == 1
    assert_books_reconcile()


def test_void_then_a_new_run_converts_the_lines_again_and_pays_each_bonus_once(org):
    app, org = org
    first = draft(org.ann)["id"]
    commit(org.ann, first)
    void(org.ann, first)
    second, third = draft(org.ann), draft(org.admin, "company")
    results = run_together(
        app,
        [
            partial(commit, org.ann.id, second["id"], version=second["version"]),
            partial(commit, org.admin.id, third["id"], version=third["version"]),
        ],
    )
    second, third = second["id"], third["id"]
    assert sum(result.error is None for result in results) == 1
    fresh_session()
    paid = Counter()
    for run_id, viewer in ((first, org.ann), (second, org.ann), (third, org.admin)):
        for row in payroll(run_id, viewer) if _committed(run_id) else []:
            paid[row["email"]] += 1
    assert paid == {org.bob.email: 1, org.cy.email: 1}
    assert max(live_conversions_per_line().values()) == 1
    assert_books_reconcile()


def test_without_the_partial_unique_index_a_naive_commit_pays_twice(org, monkeypatch):
    # Negative control: a derivation that ignores conversions is stopped by the index alone;
    # drop the index and the same lines are converted by both runs.
    _, org = org
    give(org.dee, [org.bob, org.cy], 40, now=DECEMBER)  # enough earned for a second payment
    monkeypatch.setattr(collect, "not_converted", sqlalchemy.true)
    team, company = draft(org.ann)["id"], draft(org.admin, "company")["id"]
    commit(org.ann, team)
    with pytest.raises(DraftStale):
        commit(org.admin, company)
    assert max(live_conversions_per_line().values()) == 1
    db.session.execute(text("DROP INDEX uq_conversions_live"))
    db.session.commit()
    commit(org.admin, company)
    assert max(live_conversions_per_line().values()) == 2
    checks = {problem["check"] for problem in verify_ledger()["problems"]}
    assert "conversion_twice" in checks


def _committed(run_id: int) -> bool:
    return db.session.get(BonusRun, run_id).status in {"committed", "paid"}
