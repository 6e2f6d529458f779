"""Reversal after conversion: refused `already_converted`, or recorded as a clawback to net."""

import pytest
from sqlalchemy import func, insert, select

from ledger.bonus.queries import payroll
from ledger.db import db
from ledger.errors import AlreadyConverted
from ledger.models import Account, AwardLine, Conversion, Reversal
from ledger.queries.balances import balances
from ledger.reconciliation import verify_ledger
from ledger.services import reverse_award
from tests.bonus.helpers import assert_books_reconcile, build_org, commit, draft, give, void
from tests.factories import ADMIN_ACTOR, NOW


@pytest.fixture
def converted(engine_app):
    """Dee gave Bob 20 and Cy 20 in one award; Ann's run converted both lines."""
    org = build_org()
    award = give(org.dee, [org.bob, org.cy], 20)
    run = draft(org.ann)
    commit(org.ann, run["id"])
    return org, award, run


def clawback_balance(user_id: int) -> int:
    return db.session.scalar(
        select(func.coalesce(func.sum(Account.balance), 0)).where(
            Account.user_id == user_id, Account.kind == "clawback"
        )
    )


def test_reversing_a_converted_award_is_refused_naming_the_lines(converted):
    _, award, _ = converted
    with pytest.raises(AlreadyConverted) as refused:
        reverse_award(award["id"], reason="Given by mistake", now=NOW, actor=ADMIN_ACTOR)
    assert len(refused.value.details["lines"]) == 2
    assert db.session.scalar(select(func.count()).select_from(Reversal)) == 0
    assert_books_reconcile()


def test_a_clawback_is_netted_by_the_next_runs_never_below_zero(converted):
    org, award, _ = converted
    result = reverse_award(
        award["id"], reason="Paid by mistake", now=NOW, actor=ADMIN_ACTOR, clawback=True
    ).document
    assert result["clawback_points"] == 40
    assert clawback_balance(org.bob.id) == -20
    assert_books_reconcile()
    # Bob earns 12 more: all 12 settle part of his debt, he is paid nothing, 8 carry over.
    give(org.dee, [org.bob], 12)
    second = draft(org.ann)
    bob = next(line for line in second["lines"] if line["user"]["id"] == org.bob.id)
    assert (bob["points"], bob["clawback_points"], bob["amount_cents"]) == (12, 12, 0)
    commit(org.ann, second["id"])
    assert clawback_balance(org.bob.id) == -8
    assert payroll(second["id"], org.ann) == []
    assert_books_reconcile()
    # Voiding that run restores the debt it settled.
    void(org.ann, second["id"])
    assert clawback_balance(org.bob.id) == -20
    assert balances(org.bob.id, NOW)["earned_unconverted"] == 12
    assert_books_reconcile()


def test_voiding_the_paying_run_cancels_a_clawback_on_its_lines(converted):
    org, award, run = converted
    reverse_award(award["id"], reason="Paid by mistake", now=NOW, actor=ADMIN_ACTOR, clawback=True)
    void(org.ann, run["id"])
    assert clawback_balance(org.bob.id) == 0
    assert balances(org.bob.id, NOW)["earned_unconverted"] == 0
    assert_books_reconcile()


def test_reconciliation_catches_a_conversion_without_its_transfer(converted):
    # Negative control: a conversion row nobody paid for is a problem verify reports.
    org, _, run = converted
    extra = give(org.dee, [org.cy], 3)
    line_id = db.session.scalar(select(AwardLine.id).where(AwardLine.award_id == extra["id"]))
    db.session.execute(
        insert(Conversion).values(
            award_line_id=line_id,
            bonus_run_id=run["id"],
            user_id=org.cy.id,
            points=3,
            created_at=NOW,
        )
    )
    checks = {problem["check"] for problem in verify_ledger()["problems"]}
    db.session.rollback()
    assert "conversion_transfer" in checks and "bonus_run_totals" in checks
