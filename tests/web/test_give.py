"""The award form: the happy path, every refusal inline, and one award per rendered form."""

from __future__ import annotations

import re

from ledger.queries.balances import balances
from ledger.queries.feed import recent_awards
from tests.factories import NOW
from tests.web.conftest import NONCE

MESSAGE = "Thanks for the clean hand-over of the billing service."


def nonce(browser) -> str:
    return NONCE.search(browser.html("/give")).group(1)


def award_form(org, *names, points=10, kind="handoff", message=MESSAGE, key=None):
    return {
        "recipients": [str(org[name].id) for name in names],
        "points": str(points),
        "service_kind": kind,
        "message": message,
        "nonce": key or "k" * 24,
    }


def test_the_form_lists_colleagues_kinds_with_meanings_and_what_is_left(as_user, org):
    html = as_user("ana").html("/give")
    assert "Ben Berg" in html and "Sam Sales" in html
    assert f'value="{org["ana"].id}"' not in html  # no one can pick themselves
    assert "Met my real need" in html  # each kind shows its meaning
    assert 'data-remaining="100"' in html
    assert 'max="50"' in html
    assert NONCE.search(html)


def test_an_award_lands_in_the_feed_and_moves_the_points(as_user, org):
    browser = as_user("ana")
    response = browser.post("/give", award_form(org, "ben", "sam", points=15, key=nonce(browser)))
    assert response.status_code == 302
    assert re.search(r"/feed\?highlight=\d+#award-\d+$", response.location)
    feed = browser.html(response.location)
    assert "Ben Berg" in feed and MESSAGE in feed and "received your points" in feed
    assert balances(org["ana"].id, NOW)["allowance_remaining"] == 70
    assert balances(org["sam"].id, NOW)["earned_unconverted"] == 15


def test_a_double_submit_of_one_form_gives_one_award(as_user, org):
    browser = as_user("ana")
    form = award_form(org, "ben", key=nonce(browser))
    first = browser.post("/give", form)
    second = browser.post("/give", form)
    assert first.location == second.location
    assert len(recent_awards()) == 1
    assert "already recorded" in browser.html(second.location)


def test_two_forms_give_two_awards(as_user, org):
    # Negative control for the double-submit test: distinct renders are distinct awards.
    browser = as_user("ana")
    browser.post("/give", award_form(org, "ben", key=nonce(browser)))
    browser.post("/give", award_form(org, "ben", key=nonce(browser)))
    assert len(recent_awards()) == 2


def test_the_same_form_sent_again_with_other_values_is_refused(as_user, org):
    browser = as_user("ana")
    key = nonce(browser)
    browser.post("/give", award_form(org, "ben", key=key))
    response = browser.post("/give", award_form(org, "sam", key=key))
    assert response.status_code == 422
    assert "already sent" in response.get_data(as_text=True)
    assert len(recent_awards()) == 1


def test_an_empty_form_shows_an_error_by_each_field(as_user, org):
    response = as_user("ana").post("/give", {"nonce": "n" * 24, "message": "short"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose at least one person to thank." in html
    assert "Enter how many points each person gets." in html
    assert "Choose how they served you." in html
    assert "Write 10 to 1000 characters" in html
    assert "short</textarea>" in html  # the form keeps what was typed
    assert recent_awards() == []


def test_a_refused_form_comes_back_filled_with_a_fresh_key(as_user, org):
    browser = as_user("ana")
    form = award_form(org, "ben", points=500, key="r" * 24)
    html = browser.post("/give", form).get_data(as_text=True)
    assert "between 1 and 50" in html
    assert MESSAGE in html
    assert re.search(rf'value="{org["ben"].id}" checked', html)
    assert NONCE.search(html).group(1) != "r" * 24


def test_an_award_beyond_the_allowance_is_refused_above_the_form(as_user, org):
    # The total is the problem, not the points each: the points field is not marked (#15.2).
    browser = as_user("ana")
    response = browser.post("/give", award_form(org, "ben", "sam", "lead", points=40))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="points-error"' not in html and "costs 120 points" in html
    assert balances(org["ana"].id, NOW)["allowance_remaining"] == 100


def test_giving_to_yourself_is_refused_next_to_the_recipients(as_user, org):
    response = as_user("ana").post("/give", award_form(org, "ana"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="recipients-error"' in html and "yourself" in html


def test_an_inactive_or_unknown_recipient_is_refused(as_user, org, app):
    from ledger.services.directory import deactivate_user
    from tests.factories import ADMIN_ACTOR

    deactivate_user(org["sam"].id, now=NOW, actor=ADMIN_ACTOR)
    browser = as_user("ana")
    inactive = browser.post("/give", award_form(org, "sam")).get_data(as_text=True)
    assert "cannot receive points" in inactive
    unknown = browser.post("/give", {**award_form(org, key="u" * 24), "recipients": ["99999"]})
    html = unknown.get_data(as_text=True)
    assert unknown.status_code == 422 and "No one in the directory" in html
    assert recent_awards() == []


def test_an_unknown_service_kind_is_refused(as_user, org):
    response = as_user("ana").post("/give", award_form(org, "ben", kind="bribery"))
    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True)


def test_more_than_twenty_recipients_are_refused(as_user, org):
    form = {**award_form(org), "recipients": [str(n) for n in range(1, 23)]}
    response = as_user("ana").post("/give", form)
    assert "at most 20 people" in response.get_data(as_text=True)


def test_a_post_without_the_csrf_token_changes_nothing(as_user, org):
    browser = as_user("ana")
    response = browser.client.post("/give", data=award_form(org, "ben"))
    assert response.status_code == 400
    assert recent_awards() == []


def test_a_link_can_preselect_a_recipient_and_a_search_narrows_the_list(as_user, org):
    browser = as_user("ana")
    assert re.search(rf'value="{org["sam"].id}" checked', browser.html(f"/give?to={org['sam'].id}"))
    narrowed = browser.html("/give?q=sales")
    assert "Sam Sales" in narrowed and "Ben Berg" not in narrowed
    assert "No one matches" in browser.html("/give?q=zzzz")


def test_the_form_needs_a_login(client, app):
    response = client.get("/give")
    assert response.status_code == 302 and "/login" in response.location


def test_a_long_directory_asks_the_server_to_search(as_user, org, monkeypatch):
    monkeypatch.setattr("web.views.give.PICKER_LIMIT", 3)
    browser = as_user("ana")
    html = browser.html("/give")
    assert 'data-complete="false"' in html and "use Search to look through everyone" in html
    assert 'data-complete="true"' in browser.html("/give?q=sam")


def test_a_giver_with_nothing_left_is_told_when_it_renews(as_user, org):
    from tests.web.conftest import give

    give(org["ana"], [org["ben"], org["sam"]], points=50)
    assert "You have given all your points for 2026-11" in as_user("ana").html("/give")


def test_the_giver_can_mark_an_award_proactive_and_it_is_kept(as_user, org):
    browser = as_user("ana")
    html = browser.html("/give")
    assert 'name="proactive"' in html
    form = {**award_form(org, "ben", kind="proactive", key=nonce(browser)), "proactive": "y"}
    assert browser.post("/give", form).status_code == 302
    plain = award_form(org, "sam", key=nonce(browser))
    assert browser.post("/give", plain).status_code == 302
    marks = {award["lines"][0]["recipient"]["id"]: award["proactive"] for award in recent_awards()}
    assert marks == {org["ben"].id: True, org["sam"].id: False}
