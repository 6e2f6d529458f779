"""POST /awards/{id}/add-ons and POST /awards/{id}/withdrawal, by contract."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ledger.clock import utcnow
from ledger.db import db
from ledger.models import Award, Reversal
from tests.api.conftest import award_body

AWARDS = "/api/v1/awards"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def award(org, as_user):
    """Ada's award to Bob, 10 points."""
    response = as_user(org.ada).post(AWARDS, award_body(org.bob.id, points=10))
    assert response.status_code == 201
    return response.json


def test_an_add_on_answers_201_and_the_award_shows_it_with_the_total(org, as_user, award):
    response = as_user(org.cy).post(f"{AWARDS}/{award['id']}/add-ons", {"points": 5})
    assert response.status_code == 201, response.json
    added = response.json
    assert response.headers["Location"] == f"{AWARDS}/{added['id']}"
    assert (added["add_on_to"], added["giver"]["id"], added["message"]) == (
        award["id"],
        org.cy.id,
        "",
    )
    assert [line["recipient"]["id"] for line in added["lines"]] == [org.bob.id]
    shown = as_user(org.boss, ["read"]).get(f"{AWARDS}/{award['id']}").json
    assert [(a["id"], a["points"]) for a in shown["add_ons"]] == [(added["id"], 5)]
    assert shown["points_with_add_ons"] == 15


def test_an_add_on_replays_byte_for_byte_and_refuses_a_reused_key(org, as_user, award):
    cy = as_user(org.cy)
    path = f"{AWARDS}/{award['id']}/add-ons"
    first = cy.post(path, {"points": 5, "message": "Me too!"}, key="same")
    again = cy.post(path, {"points": 5, "message": "Me too!"}, key="same")
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_data() == first.get_data()
    other = cy.post(path, {"points": 6}, key="same")
    assert (other.status_code, other.json["error"]["code"]) == (422, "idempotency_key_reused")
    assert count(Award) == 2


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [("ada", 422, "add_on_to_own_award"), ("bob", 422, "self_award")],
)
def test_the_giver_and_the_recipients_cannot_add_on(org, as_user, award, who, status, code):
    response = as_user(getattr(org, who)).post(f"{AWARDS}/{award['id']}/add-ons", {"points": 5})
    assert (response.status_code, response.json["error"]["code"]) == (status, code)
    assert count(Award) == 1


@pytest.mark.parametrize(
    "body",
    [{}, {"points": "5"}, {"points": 0}, {"points": 5, "giver": 1}, {"points": 5, "message": 7}],
)
def test_a_body_outside_the_schema_answers_422_and_adds_nothing(org, as_user, award, body):
    response = as_user(org.cy).post(f"{AWARDS}/{award['id']}/add-ons", body)
    assert (response.status_code, response.json["error"]["code"]) == (422, "validation_error")
    assert count(Award) == 1


def test_an_add_on_needs_a_key_the_award_scope_and_an_award(org, as_user, award):
    path = f"{AWARDS}/{award['id']}/add-ons"
    assert as_user(org.cy).post(path, {"points": 5}, key=None).status_code == 400
    reader = as_user(org.cy, ["read"]).post(path, {"points": 5})
    assert (reader.status_code, reader.json["error"]["code"]) == (403, "scope_missing")
    missing = as_user(org.cy).post(f"{AWARDS}/{award['id'] + 9}/add-ons", {"points": 5})
    assert missing.status_code == 404
    assert count(Award) == 1


def test_a_reversed_award_takes_no_add_on(org, as_user, award):
    admin = as_user(org.admin, ["admin"])
    admin.post(f"{AWARDS}/{award['id']}/reversal", {"reason": "Wrong Bob."})
    response = as_user(org.cy).post(f"{AWARDS}/{award['id']}/add-ons", {"points": 5})
    assert (response.status_code, response.json["error"]["code"]) == (409, "already_reversed")


def test_the_giver_withdraws_their_award_and_a_retry_replays(org, as_user, award):
    ada = as_user(org.ada)
    response = ada.post(f"{AWARDS}/{award['id']}/withdrawal", key="undo")
    assert response.status_code == 201, response.json
    assert (response.json["reason"], response.json["points_returned"]) == (
        "withdrawn by the giver",
        10,
    )
    again = ada.post(f"{AWARDS}/{award['id']}/withdrawal", key="undo")
    assert again.get_data() == response.get_data() and again.headers["Idempotent-Replayed"]
    shown = ada.get(f"{AWARDS}/{award['id']}").json
    assert (shown["reversed"], shown["reversal_reason"]) == (True, "withdrawn by the giver")


def test_someone_else_cannot_withdraw_and_nothing_is_recorded(org, as_user, award):
    admin = as_user(org.admin, ["read", "award", "admin"])
    for caller in (as_user(org.cy), as_user(org.bob), admin):
        response = caller.post(f"{AWARDS}/{award['id']}/withdrawal")
        assert (response.status_code, response.json["error"]["code"]) == (403, "not_the_giver")
    assert count(Reversal) == 0


def test_a_withdrawal_needs_a_key_and_the_award_scope(org, as_user, award):
    path = f"{AWARDS}/{award['id']}/withdrawal"
    assert as_user(org.ada).post(path, key=None).status_code == 400
    assert as_user(org.ada, ["read"]).post(path).status_code == 403
    assert as_user(org.ada).post(f"{AWARDS}/{award['id'] + 9}/withdrawal").status_code == 404
    assert count(Reversal) == 0


def test_after_ten_minutes_the_withdrawal_is_refused(org, as_user, award, monkeypatch):
    later = utcnow() + timedelta(minutes=11)
    monkeypatch.setattr("api.awards.utcnow", lambda: later)
    response = as_user(org.ada).post(f"{AWARDS}/{award['id']}/withdrawal")
    assert (response.status_code, response.json["error"]["code"]) == (
        409,
        "withdrawal_window_passed",
    )
    assert count(Reversal) == 0


def test_an_award_added_to_cannot_be_withdrawn(org, as_user, award):
    as_user(org.cy).post(f"{AWARDS}/{award['id']}/add-ons", {"points": 5})
    response = as_user(org.ada).post(f"{AWARDS}/{award['id']}/withdrawal")
    assert (response.status_code, response.json["error"]["code"]) == (409, "already_added_to")
    assert count(Reversal) == 0


def test_the_openapi_document_describes_both_operations(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    add_on = paths["/api/v1/awards/{award_id}/add-ons"]["post"]
    withdrawal = paths["/api/v1/awards/{award_id}/withdrawal"]["post"]
    assert add_on["operationId"] == "addToAward"
    assert {"201", "404", "409", "422"} <= set(add_on["responses"])
    assert "add_on_to_own_award" in add_on["description"]
    assert {"201", "403", "404", "409"} <= set(withdrawal["responses"])
    assert "withdrawal_window_passed" in withdrawal["description"]
