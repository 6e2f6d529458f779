"""GET /api/v1/insights/...: the manage scope, reach, the JSON documents and CSV."""

from __future__ import annotations

import csv
import io

import pytest

from tests.api.conftest import Caller, token_for
from tests.factories import NOW, make_award, make_user
from tests.insights.org import build_org, give_known_awards

MIX = "/api/v1/insights/service-mix"


@pytest.fixture
def org(app, monkeypatch):
    monkeypatch.setattr("api.insights.utcnow", lambda: NOW)
    people = build_org()
    give_known_awards(people)
    return people


@pytest.fixture
def caller(client):
    def build(user, scopes=("read", "manage")):
        return Caller(client, user, token_for(user, list(scopes)))

    return build


def rows_of(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_a_manager_gets_the_mix_of_their_whole_reach(org, caller):
    body = caller(org["vic"]).get(MIX).json
    assert body["scope"] == f"team:{org['vic'].id}"
    assert body["since"] == "2026-09-01T00:00:00.000000+00:00"
    assert body["until"] == "2026-12-01T00:00:00.000000+00:00"
    ian, ivy = body["people"]
    assert (ian["user"]["name"], ian["by_direction"]) == ("Ian Ic", {"up": 18, "down": 0,
                                                                     "lateral": 7})  # fmt: skip
    assert ivy["notes"] == ["unseen_by_managers"]
    assert [team["manager"]["name"] for team in body["teams"]] == ["Lea Lead", "Vic Vice"]
    assert body["departments"][0]["department"]["name"] == "Engineering"


def test_the_csv_has_a_row_per_person_team_or_department(org, caller):
    people = rows_of(caller(org["vic"]).get(MIX + "?format=csv"))
    assert [row["name"] for row in people] == ["Ian Ic", "Ivy Ic"]
    ian = people[0]
    assert (ian["up_points"], ian["lateral_points"], ian["cross_department_share"]) == (
        "18", "7", "0.4",
    )  # fmt: skip
    assert ian["kind_handoff_points"] == "3" and ian["employee_id"] == str(org["ian"].id)
    teams = rows_of(caller(org["vic"]).get(MIX + "?group=teams", headers={"Accept": "text/csv"}))
    assert [(row["manager"], row["points"]) for row in teams] == [
        ("Lea Lead", "37"),
        ("Vic Vice", "0"),
    ]
    departments = rows_of(caller(org["cleo"]).get(MIX + "?group=departments&format=csv"))
    assert {row["department"] for row in departments} == {"Engineering", "Sales"}


def test_csv_cells_cannot_become_formulas(org, caller):
    trickster = make_user(name="=HYPERLINK(1)", manager=org["lea"].email)
    make_award(org["ian"], [trickster], points=2)
    names = [row["name"] for row in rows_of(caller(org["vic"]).get(MIX + "?format=csv"))]
    assert "'=HYPERLINK(1)" in names


@pytest.mark.parametrize(
    ("who", "scopes", "query", "status", "code"),
    [
        ("ian", ("read", "award"), "", 403, "scope_missing"),
        ("cleo", ("read",), "", 403, "scope_missing"),
        ("lea", ("read", "manage"), "?scope=company", 404, "not_found"),
        ("lea", ("read", "manage"), "?scope=team:{vic}", 404, "not_found"),
        ("vic", ("read", "manage"), "?scope=department:{sales}", 404, "not_found"),
        ("vic", ("read", "manage"), "?scope=everyone", 422, "validation_error"),
        ("vic", ("read", "manage"), "?period=2026-13", 422, "validation_error"),
        ("vic", ("read", "manage"), "?period=2026-11&since=2026-11-01", 422, "validation_error"),
        ("vic", ("read", "manage"), "?group=galaxies", 422, "validation_error"),
        ("vic", ("read", "manage"), "?colour=red", 422, "validation_error"),
    ],
)
def test_refusals_are_clear(org, caller, who, scopes, query, status, code):
    query = query.format(vic=org["vic"].id, sales=org["sam"].department_id)
    response = caller(org[who], scopes).get(MIX + query)
    assert (response.status_code, response.json["error"]["code"]) == (status, code)


def test_the_openapi_document_describes_the_insight(client):
    spec = client.get("/api/v1/openapi.json").json
    operation = spec["paths"]["/api/v1/insights/service-mix"]["get"]
    assert operation["operationId"] == "getServiceMix"
    assert {"401", "403", "404", "422"} <= set(operation["responses"])


def test_unrecognized_lists_who_received_and_who_gave_nothing(org, caller):
    body = caller(org["vic"]).get("/api/v1/insights/unrecognized").json
    assert body["since"] == "2026-10-01T00:00:00.000000+00:00" and body["people"] == 3
    assert [(r["user"]["name"], r["last_recognized_at"]) for r in body["unrecognized"]] == [
        ("Lea Lead", None)
    ]
    assert body["silent"] == []
    rows = rows_of(caller(org["cleo"]).get("/api/v1/insights/unrecognized?format=csv&periods=1"))
    assert [row["name"] for row in rows] == ["Lea Lead", "Sam Sales"]
    assert rows[0]["last_recognized_at"] == "" and rows[0]["joined_at"].startswith("2026-11-16")
    silent = rows_of(
        caller(org["cleo"]).get("/api/v1/insights/unrecognized?group=silent&format=csv")
    )
    assert silent == []


@pytest.mark.parametrize("query", ["?periods=0", "?periods=25", "?periods=x", "?group=loud"])
def test_unrecognized_refuses_bad_arguments(org, caller, query):
    response = caller(org["vic"]).get("/api/v1/insights/unrecognized" + query)
    assert (response.status_code, response.json["error"]["code"]) == (422, "validation_error")


def plant_ring(p):
    for giver, recipient in (("ian", "ivy"), ("ivy", "lea"), ("lea", "ian")):
        for _ in range(2):
            make_award(p[giver], [p[recipient]], points=20)


def test_reciprocity_flags_a_ring_in_json_and_csv(org, caller):
    plant_ring(org)
    body = caller(org["vic"]).get("/api/v1/insights/reciprocity").json
    assert body["thresholds"] == {"round_trips": 3, "pair_share": 0.3, "ring_awards": 2,
                                  "ring_share": 0.3}  # fmt: skip
    (ring,) = body["rings"]
    assert [p["name"] for p in ring["people"]] == ["Lea Lead", "Ian Ic", "Ivy Ic"]
    assert body["pairs"] == []
    (row,) = rows_of(caller(org["vic"]).get("/api/v1/insights/reciprocity?format=csv"))
    assert (row["kind"], row["people"], row["awards"]) == ("ring", "Lea Lead → Ian Ic → Ivy Ic",
                                                           "3 2 2")  # fmt: skip
    assert caller(org["sam"], ("read",)).get("/api/v1/insights/reciprocity").status_code == 403


def test_the_service_map_in_json_and_csv(org, caller):
    body = caller(org["cleo"]).get("/api/v1/insights/service-map").json
    names = [d["name"] for d in body["departments"]]
    assert names == ["Engineering", "Leadership", "Sales"]
    assert body["points"][names.index("Sales")][names.index("Engineering")] == 12
    assert {flow["way"] for flow in body["flows"]} == {"one-way"}
    rows = rows_of(caller(org["cleo"]).get("/api/v1/insights/service-map?format=csv"))
    assert ("Sales", "Engineering", "12", "2") in [
        (r["giver_department"], r["recipient_department"], r["points"], r["awards"]) for r in rows
    ]
