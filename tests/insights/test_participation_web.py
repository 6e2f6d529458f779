"""The participation page: its figures, charts, CSV and refusals."""

from __future__ import annotations

import csv
import io

import pytest

from ledger.services import open_period
from tests.factories import ADMIN_ACTOR, NOW
from tests.insights.org import build_org, give_known_awards
from tests.web.conftest import Browser


@pytest.fixture
def org(app, monkeypatch):
    monkeypatch.setattr("ledger.clock.utcnow", lambda: NOW)
    people = build_org()
    open_period("2026-11", now=NOW, actor=ADMIN_ACTOR)
    give_known_awards(people)
    return people


def login(app, person) -> Browser:
    browser = Browser(app.test_client())
    assert browser.login(person.email).status_code == 302
    return browser


def test_the_page_shows_shares_budget_and_two_trend_charts(app, org):
    html = login(app, org["vic"]).html("/insights/participation")
    assert "<strong>100 %</strong> of 3 people gave points" in html
    assert "<strong>67 %</strong> received some" in html
    assert "spent 14 of the 320 points granted" in html
    assert 'data-chart="participation-trend"' in html and 'data-chart="budget-trend"' in html
    teams = html.split('id="teams-heading"')[1].split("</section>")[0]
    assert "Lea Lead" in teams and "Sam Sales" not in html
    assert 'href="/insights/participation"' in login(app, org["vic"]).html("/insights/")


def test_the_csv_and_an_empty_scope(app, org):
    browser = login(app, org["vic"])
    response = browser.get("/insights/participation.csv?group=trend")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [row["period"] for row in rows][-2:] == ["2026-10", "2026-11"]
    html = login(app, org["lea"]).html(f"/insights/participation?scope=team:{org['ian'].id}")
    assert response.status_code == 200 and "data-chart" not in html


def test_refusals_are_pages_that_name_the_problem(app, org):
    assert login(app, org["ian"]).get("/insights/participation").status_code == 403
    lea = login(app, org["lea"])
    beyond = lea.get(f"/insights/participation?scope=team:{org['cleo'].id}")
    assert beyond.status_code == 404 and "within your reach" in beyond.get_data(as_text=True)
    assert lea.get("/insights/participation.csv?period=2026-13").status_code == 422
