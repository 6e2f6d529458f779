"""GET /leaderboard: ranking, scopes, manager-only details and CSV."""

from __future__ import annotations

import csv
import io

import pytest

from tests.api.conftest import award_body

BOARD = "/api/v1/leaderboard"


@pytest.fixture
def awarded(org, as_user):
    ada, cy = as_user(org.ada), as_user(org.cy)
    for caller, recipients, points in [(ada, [org.bob.id], 10), (cy, [org.bob.id, org.boss.id], 5)]:
        assert (
            caller.post("/api/v1/awards", award_body(*recipients, points=points)).status_code == 201
        )
    return org


def test_the_company_board_ranks_by_points_with_customers(awarded, as_user):
    body = as_user(awarded.ada, ["read"]).get(BOARD).json
    assert [(row["rank"], row["user"]["name"], row["points"], row["customers"])
            for row in body["items"]] == [(1, "Bob", 15, 2), (2, "Boss", 5, 1)]  # fmt: skip
    assert "by_direction" not in body["items"][0]
    assert body["since"].endswith("+00:00")


def test_managers_see_the_split_by_direction_of_their_own_people(awarded, as_user):
    body = as_user(awarded.boss, ["read", "manage"]).get(f"{BOARD}?scope=team:{awarded.boss.id}")
    assert body.json["items"][0]["by_direction"] == {"up": 0, "down": 0, "lateral": 15}
    company = as_user(awarded.admin, ["read", "manage"]).get(BOARD).json
    assert company["items"][0]["by_direction"] == {"up": 0, "down": 0, "lateral": 15}


def test_a_manager_sees_no_split_and_no_department_beyond_their_reach(awarded, as_user):
    # Regression: any manager saw the whole company's split and any department's board.
    boss = as_user(awarded.boss, ["read", "manage"])
    company = boss.get(BOARD)
    assert company.status_code == 200 and "by_direction" not in company.json["items"][0]
    insisted = boss.get(f"{BOARD}?by_direction=true")
    assert (insisted.status_code, insisted.json["error"]["code"]) == (404, "not_found")
    sales = boss.get(f"{BOARD}?scope=department:{awarded.cy.department_id}")
    assert (sales.status_code, sales.json["error"]["code"]) == (404, "not_found")
    csv_rows = boss.get(f"{BOARD}?format=csv").data.decode().splitlines()
    assert csv_rows[0] == "rank,employee_id,user_id,name,email,points,awards,customers"
    # Their own department is all theirs (Boss, Ada, Bob): the split is shown there.
    own = boss.get(f"{BOARD}?scope=department&by_direction=true")
    assert own.status_code == 200 and "by_direction" in own.json["items"][0]
    plain = boss.get(f"{BOARD}?scope=department&by_direction=false")
    assert "by_direction" not in plain.json["items"][0]


def test_asking_for_the_split_without_manage_is_a_missing_scope(awarded, as_user):
    ada = as_user(awarded.ada, ["read"])
    for query in (
        "by_direction=true",
        f"by_direction=true&scope=department:{awarded.cy.department_id}",
    ):
        answer = ada.get(f"{BOARD}?{query}")
        assert (answer.status_code, answer.json["error"]["code"]) == (403, "scope_missing")
    assert ada.get(f"{BOARD}?by_direction=false").status_code == 200


def test_a_subtree_board_needs_manage_and_reach(awarded, as_user):
    team = f"{BOARD}?scope=team:{awarded.boss.id}"
    assert as_user(awarded.ada, ["read"]).get(team).status_code == 403
    names = [
        row["user"]["name"]
        for row in as_user(awarded.boss, ["read", "manage"]).get(team).json["items"]
    ]
    assert names == ["Bob"]
    assert (
        as_user(awarded.admin, ["read", "manage"]).get(f"{BOARD}?scope=team:99999").status_code
        == 404
    )


def test_metric_period_and_pages(awarded, as_user):
    caller = as_user(awarded.ada, ["read"])
    assert caller.get(f"{BOARD}?metric=customers").json["items"][0]["user"]["name"] == "Bob"
    assert caller.get(f"{BOARD}?period=2020-01").json["items"] == []
    first = caller.get(f"{BOARD}?limit=1").json
    second = caller.get(f"{BOARD}?limit=1&cursor={first['next_cursor']}").json
    assert [first["items"][0]["rank"], second["items"][0]["rank"]] == [1, 2]
    assert second["next_cursor"] is None


BAD_QUERIES = [
    "metric=money",
    "scope=galaxy",
    "period=2026-Q5",
    "period=2026-11&since=2026-11-01",
    "since=2026-11-10&until=2026-11-01",
]


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_bad_arguments_answer_422(awarded, as_user, query):
    response = as_user(awarded.ada, ["read"]).get(f"{BOARD}?{query}")
    assert response.status_code == 422
    assert response.json["error"]["code"] == "validation_error"


def test_the_board_answers_csv(awarded, as_user):
    response = as_user(awarded.admin, ["read", "manage"]).get(f"{BOARD}?format=csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.data.decode())))
    assert rows[0] == ["rank", "employee_id", "user_id", "name", "email", "points", "awards",
                       "customers", "up", "down", "lateral"]  # fmt: skip
    bob = str(awarded.bob.id)
    assert rows[1][:6] == ["1", bob, bob, "Bob", "bob@example.com", "15"]
