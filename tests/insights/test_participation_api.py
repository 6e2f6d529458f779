"""GET /api/v1/insights/participation: the manage scope, reach, the JSON document and CSV."""

from __future__ import annotations

import pytest

from ledger.services import open_period
from tests.factories import ADMIN_ACTOR, NOW
from tests.insights.org import build_org, give_known_awards
from tests.insights.test_api import caller, rows_of  # noqa: F401 (a fixture)

URL = "/api/v1/insights/participation"


@pytest.fixture
def org(app, monkeypatch):
    monkeypatch.setattr("api.insights.utcnow", lambda: NOW)
    people = build_org()
    open_period("2026-11", now=NOW, actor=ADMIN_ACTOR)
    give_known_awards(people)
    return people


def test_a_manager_gets_their_reach_this_period(org, caller):  # noqa: F811
    body = caller(org["vic"]).get(URL).json
    assert (body["scope"], body["period"]) == (f"team:{org['vic'].id}", "2026-11")
    assert body["since"] == "2026-11-01T00:00:00.000000+00:00"
    assert [row["manager"]["name"] for row in body["teams"]] == ["Lea Lead", "Vic Vice"]
    assert body["total"]["allowance"] == {"granted": 320, "spent": 14, "expired": 0, "left": 306}
    assert [row["period"] for row in body["trend"]][-1] == "2026-11" and len(body["trend"]) == 6


def test_the_csv_has_a_row_per_team_department_or_period(org, caller):  # noqa: F811
    teams = rows_of(caller(org["vic"]).get(URL + "?format=csv"))
    figures = [(r["manager"], r["gave"], r["received_share"], r["allowance_spent"]) for r in teams]
    assert figures == [
        ("Lea Lead", "2", "1.0", "11"), ("Vic Vice", "1", "0.0", "3"),
    ]  # fmt: skip
    departments = rows_of(caller(org["cleo"]).get(URL + "?group=departments&format=csv"))
    assert [r["department"] for r in departments] == ["Engineering", "Sales"]
    trend = rows_of(caller(org["vic"]).get(URL + "?group=trend", headers={"Accept": "text/csv"}))
    assert (trend[0]["period"], trend[-1]["allowance_granted"]) == ("2026-06", "320")


@pytest.mark.parametrize(
    ("who", "scopes", "query", "status", "code"),
    [
        ("ian", ("read", "award"), "", 403, "scope_missing"),
        ("cleo", ("read",), "", 403, "scope_missing"),
        ("lea", ("read", "manage"), "?scope=company", 404, "not_found"),
        ("lea", ("read", "manage"), "?scope=team:{vic}", 404, "not_found"),
        ("vic", ("read", "manage"), "?scope=department:{sales}", 404, "not_found"),
        ("vic", ("read", "manage"), "?period=2026-13", 422, "validation_error"),
        ("vic", ("read", "manage"), "?since=2026-11-01", 422, "validation_error"),
        ("vic", ("read", "manage"), "?group=people", 422, "validation_error"),
    ],
)
def test_refusals_are_clear(org, caller, who, scopes, query, status, code):  # noqa: F811
    query = query.format(vic=org["vic"].id, sales=org["sam"].department_id)
    response = caller(org[who], scopes).get(URL + query)
    assert (response.status_code, response.json["error"]["code"]) == (status, code)
