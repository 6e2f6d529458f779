"""The feed's "+ Me too" and "Undo" buttons: CSRF-protected one-time forms over the ledger."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from ledger.db import db
from ledger.models import Award, Reversal
from ledger.operations import Actor
from ledger.queries.feed import award_by_id
from ledger.services import add_to_award
from tests.web.conftest import give
from tests.web.test_award_cards import card


def form_in(html: str, action: str) -> dict | None:
    """Return the hidden fields of the form posting to `action`, or None without one."""
    match = re.search(rf'<form method="post" action="{re.escape(action)}".*?</form>', html, re.S)
    if match is None:
        return None
    return dict(re.findall(r'name="(csrf_token|nonce)" value="([^"]+)"', match.group(0)))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_anyone_else_adds_points_from_the_feed_and_sees_the_total(as_user, org):
    award = give(org["ana"], [org["ben"]], points=10)
    sam = as_user("sam")
    fields = form_in(sam.html("/feed"), f"/awards/{award['id']}/add-on")
    assert fields and set(fields) == {"csrf_token", "nonce"}
    response = sam.request("POST", f"/awards/{award['id']}/add-on", data={**fields, "points": "5"})
    assert response.status_code == 302
    shown = card(sam.html("/feed"), award["id"])
    assert "Sam Sales</a> added 5 points" in shown and "15 points in all" in shown
    again = sam.request("POST", f"/awards/{award['id']}/add-on", data={**fields, "points": "5"})
    assert again.status_code == 302 and count(Award) == 2  # the same render counts once


def test_neither_the_giver_nor_a_recipient_gets_an_add_on_button(as_user, org):
    given = give(org["ana"], [org["ben"]])
    received = give(org["sam"], [org["ana"]])
    page = as_user("ana").html("/feed")
    assert form_in(page, f"/awards/{given['id']}/add-on") is None
    assert form_in(page, f"/awards/{received['id']}/add-on") is None


def test_a_refused_add_on_shows_why_and_changes_nothing(as_user, org):
    award = give(org["ana"], [org["ben"]])
    ben = as_user("ben")
    page = ben.html(f"/awards/{award['id']}/add-on")
    fields = dict(re.findall(r'name="(csrf_token|nonce)"[^>]*value="([^"]+)"', page))
    response = ben.request("POST", f"/awards/{award['id']}/add-on", data={**fields, "points": "5"})
    assert response.status_code == 422
    assert "cannot award points to yourself" in response.get_data(as_text=True)
    assert count(Award) == 1


def test_an_add_on_without_the_csrf_token_is_refused(as_user, org):
    award = give(org["ana"], [org["ben"]])
    sam = as_user("sam")
    fields = form_in(sam.html("/feed"), f"/awards/{award['id']}/add-on")
    response = sam.request(
        "POST", f"/awards/{award['id']}/add-on", data={"nonce": fields["nonce"], "points": "5"}
    )
    assert response.status_code == 400
    assert count(Award) == 1


def test_the_giver_undoes_from_the_feed_within_ten_minutes(as_user, org):
    award = give(org["ana"], [org["ben"]])
    ana = as_user("ana")
    fields = form_in(ana.html("/feed"), f"/awards/{award['id']}/withdrawal")
    assert fields
    response = ana.request("POST", f"/awards/{award['id']}/withdrawal", data=fields)
    assert response.status_code == 302
    shown = card(ana.html("/feed"), award["id"])
    assert "withdrawn by the giver" in shown
    assert form_in(shown, f"/awards/{award['id']}/withdrawal") is None


def test_no_undo_button_after_ten_minutes_or_once_added_to(as_user, org, frozen_clock):
    old = give(org["ana"], [org["ben"]], now=frozen_clock - timedelta(minutes=11))
    added = give(org["ana"], [org["sam"]])
    add_to_award(added["id"], giver=org["ben"].id, points=1, now=frozen_clock,
                 actor=Actor(org["ben"].id))  # fmt: skip
    page = as_user("ana").html("/feed")
    assert form_in(page, f"/awards/{old['id']}/withdrawal") is None
    assert form_in(page, f"/awards/{added['id']}/withdrawal") is None


def test_an_undo_refused_by_the_ledger_says_why(as_user, org, frozen_clock, monkeypatch):
    award = give(org["ana"], [org["ben"]])
    ana = as_user("ana")
    fields = form_in(ana.html("/feed"), f"/awards/{award['id']}/withdrawal")
    monkeypatch.setattr("ledger.clock.utcnow", lambda: frozen_clock + timedelta(minutes=11))
    response = ana.request(
        "POST", f"/awards/{award['id']}/withdrawal", data=fields, follow_redirects=True
    )
    assert "first 10 minutes" in response.get_data(as_text=True)
    assert count(Reversal) == 0 and award_by_id(award["id"])["reversed"] is False


def test_someone_else_cannot_undo_an_award(as_user, org):
    award = give(org["ana"], [org["ben"]])
    sam = as_user("sam")
    assert form_in(sam.html("/feed"), f"/awards/{award['id']}/withdrawal") is None
    response = sam.post(f"/awards/{award['id']}/withdrawal", {"nonce": "n" * 24})
    assert response.status_code == 403
    assert count(Reversal) == 0
