"""GET /users/{id}/balances and /entries: self, their managers and admins; everyone else 404."""

from __future__ import annotations

import pytest

from tests.api.conftest import award_body


def balances_path(user) -> str:
    return f"/api/v1/users/{user.id}/balances"


def entries_path(user, query="") -> str:
    return f"/api/v1/users/{user.id}/entries{query}"


@pytest.mark.parametrize("viewer", ["ada", "boss", "admin"])
def test_a_person_their_manager_and_an_admin_see_the_balances(org, as_user, viewer):
    response = as_user(getattr(org, viewer), ["read"]).get(balances_path(org.ada))
    assert response.status_code == 200
    assert response.json["allowance_total"] == 100
    assert response.json["earned_unconverted"] == 0


@pytest.mark.parametrize("viewer", ["bob", "cy"])
def test_a_colleague_gets_404_exactly_like_a_missing_person(org, as_user, viewer):
    caller = as_user(getattr(org, viewer), ["read"])
    hidden = caller.get(balances_path(org.ada))
    missing = caller.get("/api/v1/users/999999/balances")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json == missing.json
    assert caller.get(entries_path(org.ada)).status_code == 404


def test_the_statement_has_running_balances_and_pages(org, as_user):
    ada = as_user(org.ada)
    for points in (1, 2, 3):
        assert ada.post("/api/v1/awards", award_body(org.bob.id, points=points)).status_code == 201
    full = ada.get(entries_path(org.ada, "?account=allowance")).json
    assert [entry["amount"] for entry in full["items"]] == [100, -1, -2, -3]
    assert [entry["balance"] for entry in full["items"]] == [100, 99, 97, 94]
    first = ada.get(entries_path(org.ada, "?account=allowance&limit=3")).json
    rest = ada.get(entries_path(org.ada, f"?account=allowance&cursor={first['next_cursor']}")).json
    assert first["items"] + rest["items"] == full["items"]
    assert rest["next_cursor"] is None
    earned = as_user(org.bob).get(entries_path(org.bob)).json["items"]
    assert [entry["balance"] for entry in earned] == [1, 3, 6]


def test_an_account_never_opened_has_an_empty_statement(org, as_user):
    response = as_user(org.cy).get(entries_path(org.cy, "?account=allowance&period=2020-01"))
    assert response.status_code == 200
    assert response.json == {"items": [], "next_cursor": None}


@pytest.mark.parametrize("query", ["?account=cash", "?period=2026-13", "?period=0001-01", "?x=1"])
def test_bad_statement_arguments_answer_422(org, as_user, query):
    response = as_user(org.ada).get(entries_path(org.ada, query))
    assert response.status_code == 422


def test_a_hidden_statement_answers_404_even_for_bad_arguments(org, as_user):
    response = as_user(org.cy).get(entries_path(org.ada, "?account=cash"))
    assert response.status_code == 404
