"""My payouts: each person sees their own lines in committed runs, with the payroll status,
through the API (GET /api/v1/me/payouts) and the page; drafts and other people's lines never."""

import pytest

from ledger.bonus import services
from ledger.operations import Actor
from tests.api.conftest import Caller, token_for
from tests.bonus.helpers import build_org, draft, give
from tests.factories import NOW
from tests.web.conftest import Browser


@pytest.fixture
def org(app, monkeypatch):
    monkeypatch.setattr("ledger.clock.utcnow", lambda: NOW)
    org = build_org()
    give(org.dee, [org.bob], 20)
    give(org.dee, [org.cy], 30)
    first = draft(org.ann)  # 10 cents a point
    services.commit_run(first["id"], version=first["version"], now=NOW, actor=Actor(org.ann.id))
    services.mark_paid(first["id"], now=NOW, actor=Actor(org.ann.id))
    give(org.dee, [org.bob], 5)
    second = draft(org.ann)
    services.commit_run(second["id"], version=second["version"], now=NOW, actor=Actor(org.ann.id))
    give(org.dee, [org.bob], 7)
    draft(org.ann)  # a draft: not a payout
    org.runs = (first["id"], second["id"])
    return org


def test_a_person_sees_their_own_lines_newest_first_with_the_payroll_status(org, client):
    api = Caller(client, org.bob, token_for(org.bob, ["read"]))
    items = api.get("/api/v1/me/payouts").json["items"]
    assert [(i["run_id"], i["points"], i["amount"], i["status"]) for i in items] == [
        (org.runs[1], 5, "0.50", "awaiting_payroll"),
        (org.runs[0], 20, "2.00", "paid"),
    ]
    assert items[1]["paid_at"] is not None and items[0]["paid_at"] is None
    cy = Caller(client, org.cy, token_for(org.cy, ["read"])).get("/api/v1/me/payouts").json
    assert [(i["run_id"], i["points"]) for i in cy["items"]] == [(org.runs[0], 30)]


def test_a_voided_run_says_so_and_someone_never_paid_has_none(org, client):
    services.void_run(org.runs[1], now=NOW, actor=Actor(org.ann.id))
    api = Caller(client, org.bob, token_for(org.bob, ["read"]))
    assert api.get("/api/v1/me/payouts").json["items"][0]["status"] == "voided"
    ann = Caller(client, org.ann, token_for(org.ann, ["read"]))
    assert ann.get("/api/v1/me/payouts").json == {"items": []}
    assert Caller(client, org.bob, token_for(org.bob, ["award"])).get(
        "/api/v1/me/payouts").status_code == 403  # fmt: skip


def test_the_page_shows_amounts_and_payroll_status(org, client):
    browser = Browser(client)
    assert browser.login(org.bob.email).status_code == 302
    html = browser.html("/payouts")
    assert "EUR 0.50" in html and "Awaiting payroll" in html
    assert "EUR 2.00" in html and "Paid " in html
    assert 'href="/payouts"' in browser.html("/")
    other = Browser(client.application.test_client())
    assert other.login(org.ann.email).status_code == 302
    assert "No bonus has paid your points yet" in other.html("/payouts")
