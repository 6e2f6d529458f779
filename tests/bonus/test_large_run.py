"""A run over more award lines than PostgreSQL takes parameters in one statement (issue 11).

PostgreSQL's protocol binds at most 65,535 parameters per statement. The commit used to lock
its lines with one `IN (...)` parameter per line id, so a month of a large company failed on
PostgreSQL; voiding such a run failed the same way.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from ledger.bonus import collect
from ledger.db import db
from ledger.models import Conversion
from tests.bonus.bulk import append_awards
from tests.bonus.helpers import assert_books_reconcile, build_org, commit, draft, give, void
from tests.factories import NOW

LINES = 70_000  # beyond 65,535
pytestmark = pytest.mark.heavy  # about a minute per engine while commit and void go line by line


def live_conversions() -> int:
    return db.session.scalar(
        select(func.count()).select_from(Conversion).where(Conversion.voided_at.is_(None))
    )


@pytest.fixture
def big_month(engine_app):
    org = build_org()
    give(org.dee, [org.bob, org.cy], 1)  # the allowance and earned accounts, the service's way
    append_awards(org.dee.id, [org.bob.id, org.cy.id], LINES - 2, NOW)
    return org


def test_a_run_over_more_lines_than_a_statement_takes_parameters_commits_and_voids(big_month):
    org = big_month
    run = draft(org.ann)
    assert run["totals"]["points"] == LINES
    committed = commit(org.ann, run["id"], version=run["version"])
    assert committed.document["status"] == "committed"
    assert live_conversions() == LINES
    void(org.ann, run["id"])
    assert live_conversions() == 0
    assert_books_reconcile()


def test_one_parameter_per_line_id_fails_on_postgresql(big_month, monkeypatch):
    # Negative control: the old lock, one bound parameter per line, on the same data.
    if db.session.get_bind().dialect.name != "postgresql":
        pytest.skip("the 65,535-parameter limit is PostgreSQL's")
    from ledger.models import AwardLine

    def one_parameter_per_id(ids):
        db.session.execute(
            select(AwardLine.id).where(AwardLine.id.in_(sorted(ids))).with_for_update()
        ).all()

    monkeypatch.setattr(collect, "lock_line_ids", one_parameter_per_id)
    ids = [line_id for pairs in collect.preview(*_run_and_creator(big_month)).line_ids.values()
           for line_id, _ in pairs]  # fmt: skip
    with pytest.raises(Exception, match="number of parameters must be between 0 and 65535"):
        collect.lock_line_ids(ids)


def _run_and_creator(org):
    from ledger.models import BonusRun, User

    run_id = draft(org.ann)["id"]
    return db.session.get(BonusRun, run_id), db.session.get(User, org.ann.id)
