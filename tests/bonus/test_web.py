"""The bonus-run pages: a manager turns last month's points into a payroll file."""

import re

import pytest

from tests.bonus.helpers import assert_books_reconcile, build_org, give
from tests.factories import NOW
from tests.web.conftest import NONCE, Browser

NEW_RUN = {
    "since": "2026-11-01",
    "until": "2026-11-30",
    "rule": "rate",
    "amount": "0.50",
    "currency": "EUR",
    "cap": "",
    "min_points": "0",
}


@pytest.fixture
def ann(app, client, monkeypatch):
    monkeypatch.setattr("ledger.clock.utcnow", lambda: NOW)
    org = build_org()
    give(org.dee, [org.bob, org.cy], 20)
    browser = Browser(client)
    assert browser.login(org.ann.email).status_code == 302
    return org, browser


VERSION = re.compile(r'name="version"[^>]*value="([^"]+)"')


def confirm_form(html: str) -> dict:
    return {
        "nonce": NONCE.search(html).group(1),
        "confirm": "y",
        "version": VERSION.search(html).group(1),
    }


def test_a_manager_previews_commits_downloads_and_marks_a_run_paid(ann):
    org, browser = ann
    assert "Bonus runs" in browser.html("/")
    created = browser.post("/bonus/", {**NEW_RUN, "scope": f"team:{org.ann.id}"})
    assert created.status_code == 302, created.get_data(as_text=True)
    page = browser.html(created.headers["Location"])
    assert "EUR 20.00" in page and "Bob" in page and 'class="bar"' in page
    run_path = created.headers["Location"].rstrip("/")
    committed = browser.post(f"{run_path}/commit", confirm_form(page))
    assert committed.status_code == 302
    page = browser.html(run_path)
    assert "(committed)" in page and "Download the payroll file" in page
    csv = browser.get(f"{run_path}/payroll.csv").get_data(as_text=True)
    assert (
        csv.splitlines()[0]
        == "employee_id,email,name,department,points,amount,currency,run_id,check"
    )
    assert len(csv.splitlines()) == 3 and ",10.00,EUR," in csv
    nonce = NONCE.findall(page)
    paid = browser.post(f"{run_path}/paid", {"nonce": nonce[0]})
    assert paid.status_code == 302 and "(paid)" in browser.html(run_path)
    assert_books_reconcile()


def test_commit_needs_the_confirmation_and_a_resubmit_counts_once(ann):
    org, browser = ann
    run_path = (
        browser.post("/bonus/", {**NEW_RUN, "scope": f"team:{org.ann.id}"})
        .headers["Location"]
        .rstrip("/")
    )
    page = browser.html(run_path)
    unconfirmed = browser.post(f"{run_path}/commit", {"nonce": NONCE.search(page).group(1)})
    assert unconfirmed.status_code == 302 and "(draft)" in browser.html(run_path)
    form = confirm_form(page)
    browser.post(f"{run_path}/commit", form)
    browser.post(f"{run_path}/commit", form)  # the same render sent twice
    assert "already been committed" not in browser.html(run_path)
    assert_books_reconcile()


def test_the_page_commits_only_the_amounts_it_showed(ann):
    # Regression: after `draft_stale` the next commit paid amounts the page never showed.
    org, browser = ann
    created = browser.post("/bonus/", {**NEW_RUN, "scope": f"team:{org.ann.id}"})
    run_path = created.headers["Location"].rstrip("/")
    seen = browser.html(run_path)
    give(org.dee, [org.cy], 10, now=NOW)  # lands while the manager reads the page
    for _ in range(2):
        form = {**confirm_form(seen), "nonce": NONCE.search(browser.html(run_path)).group(1)}
        assert browser.post(f"{run_path}/commit", form).status_code == 302
        page = browser.html(run_path)
        assert "(draft)" in page and "nothing was committed" in page
    assert "EUR 25.00" in page
    assert browser.post(f"{run_path}/commit", confirm_form(page)).status_code == 302
    page = browser.html(run_path)
    assert "(committed)" in page and "EUR 25.00" in page
    assert_books_reconcile()


def test_bad_amounts_are_shown_on_the_form_and_nothing_is_created(ann):
    org, browser = ann
    answer = browser.post("/bonus/", {**NEW_RUN, "scope": f"team:{org.ann.id}", "amount": "0.505"})
    assert answer.status_code == 422
    assert "EUR has 2 decimals" in answer.get_data(as_text=True)
    assert "No runs yet" in browser.html("/bonus/")


def test_employees_cannot_open_the_bonus_pages(app, client, monkeypatch):
    org = build_org()
    browser = Browser(client)
    browser.login(org.bob.email)
    assert browser.get("/bonus/").status_code == 403
    assert "Bonus runs" not in browser.html("/")
    assert re.search(r"/bonus/", browser.html("/")) is None
