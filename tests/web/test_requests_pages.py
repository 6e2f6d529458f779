"""The request pages: ask for help, my requests, a department's queue, the relay and its steps."""

from __future__ import annotations

import re
from datetime import timedelta

from ledger.queries.balances import balances
from ledger.queries.feed import award_by_id
from ledger.services.request_close import CloseAward, close_request
from tests.factories import NOW
from tests.requests.helpers import ask, step
from tests.web.conftest import NONCE

NEED = "Two test laptops for the release rehearsal, please."


def nonce(html: str) -> str:
    return NONCE.search(html).group(1)


def switch(browser, org, name: str):
    """Log the shared browser out, then in as someone else."""
    browser.post("/logout")
    assert browser.login(org[name].email).status_code == 302
    return browser


def test_asking_for_help_through_the_form_opens_a_request(as_user, org):
    browser = as_user("sam")
    html = browser.html("/requests/new")
    assert "Ask for help" in html and "Ana Alvarez" in html
    due = (NOW + timedelta(days=3)).date().isoformat()
    form = {"need": NEED, "provider": str(org["ana"].id), "department": "", "due": due,
            "nonce": nonce(html)}  # fmt: skip
    response = browser.post("/requests/new", form)
    assert response.status_code == 302
    page = browser.html(response.location)
    assert NEED in page and "Ana Alvarez" in page and "3 days 12 h" in page
    again = browser.post("/requests/new", form)  # the same render sent twice: one request
    assert again.location == response.location


def test_an_ask_without_a_target_or_with_a_past_date_is_refused_inline(as_user, org):
    browser = as_user("sam")
    html = browser.html("/requests/new")
    base = {"need": NEED, "department": "", "nonce": nonce(html)}
    missing = browser.post("/requests/new", {**base, "provider": "", "due": "2026-11-20"})
    assert missing.status_code == 422 and "Choose a person or a department" in missing.text
    past = browser.post(
        "/requests/new", {**base, "provider": str(org["ana"].id), "due": "2026-11-01"}
    )
    assert past.status_code == 422 and "The due time must be in the future" in past.text
    assert "You have not asked anyone for help yet." in browser.html("/requests/")


def test_the_relay_runs_through_the_request_page_and_closes_with_an_award(as_user, org):
    request = ask(org["sam"], provider=org["ana"])
    path = f"/requests/{request['id']}"
    browser = as_user("ana")
    page = browser.html(path)
    assert "Take it on" in page and "Close the request" not in page
    assert browser.post(f"{path}/accept", {"nonce": nonce(page)}).status_code == 302
    page = browser.html(path)
    handed = {"nonce": nonce(page), "to": str(org["ben"].id), "note": "Imaged; VPN left."}
    browser.post(f"{path}/handoff", handed)
    page = browser.html(path)
    assert "Handed off" in page and "Imaged; VPN left." in page
    assert "Mark delivered" not in page  # Ben holds it now
    switch(browser, org, "ben")
    page = browser.html(path)
    browser.post(f"{path}/deliver", {"nonce": nonce(page)})
    switch(browser, org, "sam")
    page = browser.html(path)
    close = {"nonce": nonce(page), "with_award": "y", "points": "10", "service_kind": "handoff",
             "message": "Thanks for the smooth relay, both of you!"}  # fmt: skip
    response = browser.post(f"{path}/close", close)
    page = browser.html(response.location)
    assert "Closed with an award to the chain" in page and "on time" in page
    assert re.findall(r"<strong>(\w[\w ]*)</strong> by", page) == [
        "Asked", "Accepted", "Handed off", "Delivered", "Closed"
    ]  # fmt: skip
    assert balances(org["ben"].id, NOW)["earned_unconverted"] == 10
    assert balances(org["ana"].id, NOW)["earned_unconverted"] == 10


def test_a_refused_step_is_explained_and_changes_nothing(as_user, org):
    request = ask(org["sam"], provider=org["ana"])
    browser = as_user("sam")
    page = browser.html(f"/requests/{request['id']}")
    response = browser.post(f"/requests/{request['id']}/close", {"nonce": nonce(page)})
    assert "cannot take the step" in browser.html(response.location)


def test_my_requests_and_the_queue_list_what_each_person_may_see(as_user, org):
    mine = ask(org["sam"], provider=org["ana"], need="Review the pricing sheet by Friday.")
    queued = ask(org["sam"], department=org["ben"].department_id, need="A desk for the new hire.")
    browser = as_user("ana")
    page = browser.html("/requests/")
    assert "Review the pricing sheet" in page and "A desk for the new hire" not in page
    queue = browser.html("/requests/queue")
    assert "A desk for the new hire" in queue and "Review the pricing sheet" not in queue
    step(org["ben"], queued, "accept")
    assert "A desk for the new hire" not in browser.html("/requests/queue")
    assert mine["id"]


def test_a_request_beyond_reach_is_a_404_and_user_text_is_escaped(as_user, org):
    request = ask(org["sam"], provider=org["ana"], need="<img src=x onerror=alert(1)> please")
    browser = as_user("ana")
    html = browser.html(f"/requests/{request['id']}")
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    switch(browser, org, "ben")  # Ana's teammate, not involved
    assert browser.get(f"/requests/{request['id']}").status_code == 404
    assert browser.post(f"/requests/{request['id']}/accept", {"nonce": "n" * 24}).status_code == 404


def test_the_award_in_the_feed_shows_the_request_it_closed(as_user, org):
    request = ask(org["sam"], provider=org["ana"])
    step(org["ana"], request, "accept")
    step(org["ana"], request, "deliver")
    thanks = CloseAward(5, "Thanks for the laptops!", "need")
    closed = close_request(request["id"], by=org["sam"].id, now=NOW, award=thanks).document
    assert award_by_id(closed["award_id"])["request"]["id"] == request["id"]
    feed = as_user("ben").html("/feed")
    assert f"/requests/{request['id']}" in feed and "on time" in feed
