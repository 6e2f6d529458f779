"""A reversal racing a commit over the same lines: one of them wins, never both (PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from ledger.bonus import services
from ledger.errors import AlreadyConverted
from ledger.reconciliation import verify_ledger
from ledger.services import reversals as reversals_module
from ledger.services import reverse_award
from tests.bonus.helpers import build_org, commit, draft, give
from tests.factories import ADMIN_ACTOR, NOW

pytestmark = pytest.mark.heavy

WAIT = 2.0  # how long the commit waits for the reversal before going on


def race(app, monkeypatch, award_id: int) -> dict:
    """Start the reversal after the commit's last check, before its writes; collect both."""
    outcome: dict = {}
    original = services.check_not_involved

    def reverse_in_between(committer, found):
        original(committer, found)

        def reverse():
            with app.app_context():
                try:
                    outcome["reversal"] = reverse_award(
                        award_id, reason="Given by mistake", now=NOW, actor=ADMIN_ACTOR
                    )
                except AlreadyConverted as error:
                    outcome["reversal"] = error

        thread = threading.Thread(target=reverse, daemon=True)
        thread.start()
        thread.join(WAIT)  # with the line locks it is still waiting for us
        outcome["thread"] = thread

    monkeypatch.setattr(services, "check_not_involved", reverse_in_between)
    return outcome


@pytest.fixture
def org(postgres_app):
    org = build_org()
    award = give(org.dee, [org.bob, org.cy], 20)
    # Earned points outside the window, so that only the locks (not the bounds) can tell.
    give(org.dee, [org.bob, org.cy], 20, now=datetime(2026, 12, 2, tzinfo=UTC))
    return postgres_app, org, award


def test_a_reversal_waits_for_the_commit_and_is_refused_already_converted(org, monkeypatch):
    app, org, award = org
    outcome = race(app, monkeypatch, award["id"])
    committed = commit(org.ann, draft(org.ann)["id"])
    outcome["thread"].join(30)
    assert committed.document["status"] == "committed"
    assert isinstance(outcome["reversal"], AlreadyConverted)
    assert verify_ledger()["ok"]


def test_without_the_line_locks_both_win_and_reconciliation_says_so(org, monkeypatch):
    # Negative control: with the locks gone the reversal slips in and the line is both
    # reversed and converted.
    app, org, award = org
    monkeypatch.setattr(services, "lock_line_ids", lambda ids: None)
    monkeypatch.setattr(reversals_module, "lock_line_ids", lambda ids: None)
    outcome = race(app, monkeypatch, award["id"])
    commit(org.ann, draft(org.ann)["id"])
    outcome["thread"].join(30)
    assert not isinstance(outcome["reversal"], Exception)
    checks = {problem["check"] for problem in verify_ledger()["problems"]}
    assert "conversion_reversed" in checks
