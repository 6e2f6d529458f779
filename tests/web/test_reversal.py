"""Admins reverse an award from its page in the feed; everyone else cannot."""

from __future__ import annotations

import re

from ledger.queries.balances import balances
from ledger.reconciliation import verify_ledger
from tests.web.conftest import NONCE, give


def reversal_form(browser, award_id):
    page = browser.html(f"/admin/awards/{award_id}/reverse")
    return NONCE.search(page).group(1)


def test_an_admin_reverses_an_award_and_the_points_go_back(as_user, org, frozen_clock):
    award = give(org["ana"], [org["ben"]], points=20)
    browser = as_user("admin")
    assert f"/admin/awards/{award['id']}/reverse" in browser.html("/feed")
    nonce = reversal_form(browser, award["id"])
    done = browser.post(
        f"/admin/awards/{award['id']}/reverse", {"nonce": nonce, "reason": "Given to the wrong Ben"}
    )
    assert done.status_code == 302
    assert balances(org["ana"].id, frozen_clock)["allowance_remaining"] == 100
    assert balances(org["ben"].id, frozen_clock)["earned_unconverted"] == 0
    feed = browser.html("/feed")
    assert "reversed" in feed
    # Sending the same form again (a double click) does not reverse twice or fail loudly.
    again = browser.post(
        f"/admin/awards/{award['id']}/reverse", {"nonce": nonce, "reason": "Given to the wrong Ben"}
    )
    assert again.status_code == 302
    assert verify_ledger()["ok"]


def test_a_reversal_needs_a_reason_and_changes_nothing_without_one(as_user, org, frozen_clock):
    award = give(org["ana"], [org["ben"]], points=20)
    browser = as_user("admin")
    refused = browser.post(
        f"/admin/awards/{award['id']}/reverse",
        {"nonce": reversal_form(browser, award["id"]), "reason": ""},
    )
    assert refused.status_code == 422
    assert "Give the reason" in refused.get_data(as_text=True)
    assert balances(org["ben"].id, frozen_clock)["earned_unconverted"] == 20


def test_a_second_reversal_is_refused_with_a_clear_message(as_user, org):
    award = give(org["ana"], [org["ben"]], points=20)
    browser = as_user("admin")
    path = f"/admin/awards/{award['id']}/reverse"
    first = reversal_form(browser, award["id"])
    second = reversal_form(browser, award["id"])
    browser.post(path, {"nonce": first, "reason": "mistake"})
    refused = browser.post(path, {"nonce": second, "reason": "mistake"})
    assert refused.status_code == 422
    assert re.search(r"already (been )?reversed", refused.get_data(as_text=True))


def test_only_admins_see_and_use_the_reversal_page(as_user, org):
    award = give(org["ana"], [org["ben"]], points=20)
    browser = as_user("boss")
    assert "/reverse" not in browser.html("/feed")
    assert browser.get(f"/admin/awards/{award['id']}/reverse").status_code == 403


def test_an_unknown_award_is_a_404(as_user, org):
    assert as_user("admin").get("/admin/awards/999999/reverse").status_code == 404
