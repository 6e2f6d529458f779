"""The customers rule through the service (both engines), the API, the web and the CLI.

Bob's 30 points come from one generous friend (Dee); Cy's 30 from three people. With k = 3,
Bob counts 10 effective points and Cy 30: at 10 cents a point, 1.00 and 3.00.
"""

import pytest

from ledger.bonus import rules, services
from ledger.bonus.queries import get_run
from ledger.operations import Actor
from tests.api.conftest import Caller, token_for
from tests.bonus.helpers import assert_books_reconcile, build_org, draft, give
from tests.factories import NOW, make_user
from tests.web.conftest import Browser


def plant(org):
    eve = make_user(name="Eve", department="Sales")
    give(org.dee, [org.bob], 30)
    for giver in (org.dee, org.admin, eve):
        give(giver, [org.cy], 10)
    return org


def weighted(document):
    return [(line["user"]["name"], line["points"], line["customers"], line["effective_points"],
             line["amount_cents"]) for line in document["lines"]]  # fmt: skip


EXPECTED = [("Bob", 30, 1, 10.0, 100), ("Cy", 30, 3, 30.0, 300)]


def test_the_preview_and_the_committed_run_show_customers_and_effective_points(engine_app):
    org = plant(build_org())
    run = draft(org.ann, rule=rules.Rule("rate", cents_per_point=10, customers_k=3))
    assert run["rule"]["customers_k"] == 3 and weighted(run) == EXPECTED
    assert run["totals"]["amount_cents"] == 400 and run["totals"]["points"] == 60
    services.commit_run(run["id"], version=run["version"], now=NOW, actor=Actor(org.ann.id))
    committed = get_run(run["id"], org.ann)
    assert committed["status"] == "committed" and weighted(committed) == EXPECTED
    assert_books_reconcile()


def test_a_run_without_the_option_shows_no_weighting(engine_app):  # the negative control
    org = plant(build_org())
    run = draft(org.ann)
    assert run["rule"]["customers_k"] is None
    assert weighted(run) == [("Bob", 30, None, None, 300), ("Cy", 30, None, None, 300)]


@pytest.fixture
def caller(app, client):
    org = plant(build_org())
    return org, Caller(client, org.ann, token_for(org.ann, ["read", "manage"]))


def create(org, caller, rule):
    body = {"since": "2026-11-01", "until": "2026-11-30", "scope": f"team:{org.ann.id}",
            "currency": "EUR", "rule": {"type": "rate", "cents_per_point": 10, **rule}}  # fmt: skip
    return caller.post("/api/v1/bonus-runs", json=body, key=None)


def test_the_api_takes_the_option_with_k_3_by_default(caller):
    org, api = caller
    created = create(org, api, {"weight_by_customers": True})
    assert created.status_code == 201, created.json
    assert created.json["rule"]["customers_k"] == 3 and weighted(created.json) == EXPECTED
    csv_text = api.get(f"/api/v1/bonus-runs/{created.json['id']}", headers={"Accept": "text/csv"})
    assert csv_text.get_data(as_text=True).splitlines()[1].endswith(",1,10.0")
    wider = create(org, api, {"weight_by_customers": True, "customers_k": 1})
    assert [line["amount_cents"] for line in wider.json["lines"]] == [300, 300]


@pytest.mark.parametrize(
    "rule", [{"customers_k": 3}, {"weight_by_customers": True, "customers_k": 0},
             {"weight_by_customers": True, "customers_k": 101}, {"weight_by_customers": "x"}],
)  # fmt: skip
def test_the_api_refuses_a_bad_option(caller, rule):
    org, api = caller
    refused = create(org, api, rule)
    assert (refused.status_code, refused.json["error"]["code"]) == (422, "validation_error")


def test_the_web_form_and_preview(app, client, monkeypatch):
    monkeypatch.setattr("ledger.clock.utcnow", lambda: NOW)
    org = plant(build_org())
    browser = Browser(client)
    assert browser.login(org.ann.email).status_code == 302
    form = {"since": "2026-11-01", "until": "2026-11-30", "rule": "rate", "amount": "0.10",
            "currency": "EUR", "cap": "", "min_points": "0", "scope": f"team:{org.ann.id}",
            "by_customers": "y", "customers_k": "3"}  # fmt: skip
    created = browser.post("/bonus/", data=form)
    assert created.status_code == 302, created.get_data(as_text=True)
    html = browser.html(created.headers["Location"])
    assert "Effective points" in html and "weighted by distinct customers (k = 3)" in html
    bob = html.split(">Bob<")[1].split("</tr>")[0]
    assert ">10<" in bob and ">1<" in bob and "1.00" in bob
    refused = browser.post("/bonus/", data={**form, "customers_k": "0"})
    assert refused.status_code == 422


def test_the_cli_takes_the_option(app):
    org = plant(build_org())
    runner = app.test_cli_runner()
    base = ["ledger", "bonus-run", "create", "--as", org.ann.email, "--scope",
            f"team:{org.ann.id}", "--since", "2026-11-01", "--until", "2026-11-30",
            "--rate", "10", "--currency", "EUR"]  # fmt: skip
    created = runner.invoke(args=[*base, "--by-customers"])
    assert created.exit_code == 0, created.output
    assert "2 people, 60 points, EUR 4.00" in created.output
    shown = runner.invoke(args=["ledger", "bonus-run", "show", "1", "--as", org.ann.email])
    assert "Bob <" in shown.output and "(10 effective, 1 customers)" in shown.output
    refused = runner.invoke(args=[*base, "--customers-k", "2"])
    assert refused.exit_code != 0 and "--by-customers" in refused.output
