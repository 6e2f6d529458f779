"""The givers' leaderboard on the hand-built organisation, on both engines: ranked by distinct
people thanked, equal counts sharing a rank ("1224"), points only ordering within it."""

from __future__ import annotations

import pytest

from ledger.queries.givers import giver_standings
from ledger.services import reverse_award
from tests.factories import ADMIN_ACTOR, NOW, make_award
from tests.insights.org import build_org


@pytest.fixture
def org(engine_app):
    p = build_org()
    make_award(p["cleo"], [p["ian"]], points=10)
    make_award(p["cleo"], [p["ivy"]], points=5)  # Cleo: 2 people, 2 awards, 15 points
    make_award(p["sam"], [p["ivy"]], points=6)
    make_award(p["sam"], [p["ivy"]], points=6)
    make_award(p["sam"], [p["ian"]], points=1)  # Sam: 2 people, 3 awards, 13 points
    make_award(p["lea"], [p["ian"], p["ivy"]], points=3)  # Lea: 2 people, 1 award, 6 points
    make_award(p["vic"], [p["lea"]], points=20)  # Vic: 1 person, the most points
    make_award(p["ivy"], [p["ian"]], points=7)  # Ivy: 1 person
    reversed_ = make_award(p["ian"], [p["vic"]], points=4)
    reverse_award(reversed_["id"], reason="given by mistake", now=NOW, actor=ADMIN_ACTOR)
    return p


def ranked(viewer, **options):
    _, rows = giver_standings(viewer, now=NOW, manage=True, period="2026-11", **options)
    return [(row["rank"], row["user"]["name"], row["people"], row["awards"], row["points"])
            for row in rows]  # fmt: skip


def test_equal_people_thanked_share_a_rank_and_points_only_order_within_it(org):
    assert ranked(org["ian"]) == [
        (1, "Cleo Chief", 2, 2, 15),
        (1, "Sam Sales", 2, 3, 13),
        (1, "Lea Lead", 2, 1, 6),
        (4, "Vic Vice", 1, 1, 20),  # more points than anyone, fewer people thanked
        (4, "Ivy Ic", 1, 1, 7),
    ]  # Ian's only award was reversed: he is not listed


def test_a_page_keeps_the_ranks_of_the_whole_board(org):
    _, rows = giver_standings(org["ian"], now=NOW, manage=False, period="2026-11", offset=2,
                              limit=2)  # fmt: skip
    assert [(row["rank"], row["user"]["name"]) for row in rows] == [(1, "Lea Lead"),
                                                                    (4, "Vic Vice")]  # fmt: skip


def test_a_scope_ranks_only_its_givers(org):
    assert ranked(org["vic"], scope=f"team:{org['vic'].id}") == [
        (1, "Lea Lead", 2, 1, 6), (2, "Ivy Ic", 1, 1, 7),
    ]  # fmt: skip
    assert ranked(org["cleo"], scope=f"department:{org['sam'].department_id}") == [
        (1, "Sam Sales", 2, 3, 13)
    ]
    assert giver_standings(org["ian"], now=NOW, manage=False, period="2026-10")[1] == []


@pytest.fixture
def api_org(app, monkeypatch):
    monkeypatch.setattr("api.recognition.utcnow", lambda: NOW)
    monkeypatch.setattr("ledger.clock.utcnow", lambda: NOW)
    p = build_org()
    make_award(p["cleo"], [p["ian"], p["ivy"]], points=5)
    make_award(p["vic"], [p["lea"]], points=20)
    make_award(p["sam"], [p["ivy"]], points=2)
    return p


def test_the_api_pages_the_board_and_answers_csv(api_org, client):
    from tests.api.conftest import Caller, token_for

    api = Caller(client, api_org["ian"], token_for(api_org["ian"], ["read"]))
    first = api.get("/api/v1/leaderboard/givers?limit=2").json
    assert [(r["rank"], r["user"]["name"], r["people"]) for r in first["items"]] == [
        (1, "Cleo Chief", 2), (2, "Vic Vice", 1),
    ]  # fmt: skip
    rest = api.get(f"/api/v1/leaderboard/givers?limit=2&cursor={first['next_cursor']}").json
    assert [(r["rank"], r["user"]["name"]) for r in rest["items"]] == [(2, "Sam Sales")]
    assert rest["next_cursor"] is None
    text = api.get("/api/v1/leaderboard/givers?format=csv").get_data(as_text=True)
    assert text.splitlines()[0] == "rank,employee_id,user_id,name,email,people,awards,points"
    refused = api.get(f"/api/v1/leaderboard/givers?scope=team:{api_org['cleo'].id}")
    assert (refused.status_code, refused.json["error"]["code"]) == (403, "scope_missing")
    assert api.get("/api/v1/leaderboard/givers?period=2026-13").status_code == 422


def test_the_page_ranks_givers_and_says_when_no_one_gave(api_org, client):
    from tests.web.conftest import Browser

    browser = Browser(client)
    assert browser.login(api_org["ian"].email).status_code == 302
    html = browser.html("/leaderboard/givers?period=2026-11")
    assert html.index("Cleo Chief") < html.index("Vic Vice") < html.index("Sam Sales")
    assert 'href="/leaderboard/givers"' in browser.html("/leaderboard")
    assert "No one in this scope gave points" in browser.html("/leaderboard/givers?period=2026-06")
    assert browser.get("/leaderboard/givers?scope=department:999").status_code == 404
    csv_text = browser.get("/leaderboard/givers.csv?period=2026-11").get_data(as_text=True)
    assert csv_text.splitlines()[1].startswith("1,")
