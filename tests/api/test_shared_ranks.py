"""Shared ranks on the recipients' leaderboard (issue 13 item 7), on both engines: people
equal on the metric ranked share a rank ("1224"), the other metrics only order them within it,
in the service, `GET /api/v1/leaderboard` (pages cut across a tie), its CSV and the web page."""

from __future__ import annotations

import csv
import io

import pytest

from ledger.queries.leaderboard import Window, leaderboard
from tests.api.conftest import Caller, token_for
from tests.factories import NOW, make_award, make_user
from tests.web.conftest import Browser

BOARD = "/api/v1/leaderboard?period=2026-11"
# Points: Dee 30; Cid, Bob and Ann 20 each (4, 2 and 1 awards); Eve 10.
BY_POINTS = [(1, "Dee"), (2, "Cid"), (2, "Bob"), (2, "Ann"), (5, "Eve")]
# Awards: Cid 4, Bob 2; Dee, Ann and Eve 1 each, ordered within by points.
BY_AWARDS = [(1, "Cid"), (2, "Bob"), (3, "Dee"), (3, "Ann"), (3, "Eve")]


@pytest.fixture
def board(engine_app, monkeypatch):
    monkeypatch.setattr("ledger.clock.utcnow", lambda: NOW)
    admin = make_user("root@example.com", name="Root", role="admin")
    givers = [make_user(name=f"Giver {n}") for n in range(1, 5)]
    people = {name: make_user(f"{name.lower()}@example.com", name=name)
              for name in ("Ann", "Bob", "Cid", "Dee", "Eve")}  # fmt: skip
    make_award(givers[0], [people["Dee"]], points=30)
    make_award(givers[0], [people["Ann"]], points=20)
    for giver in givers[1:3]:
        make_award(giver, [people["Bob"]], points=10)
    for giver in givers:
        make_award(giver, [people["Cid"]], points=5)
    make_award(givers[3], [people["Eve"]], points=10)
    return engine_app, admin


def ranks(rows):
    return [(row["rank"], row["user"]["name"]) for row in rows]


def test_the_service_shares_ranks_on_the_metric_only(board):
    window = Window(NOW.replace(day=1), NOW.replace(month=12, day=1))
    assert ranks(leaderboard(window)) == BY_POINTS
    assert ranks(leaderboard(window, metric="awards")) == BY_AWARDS
    pages = [leaderboard(window, offset=start, limit=2) for start in (0, 2, 4)]
    assert [ranks(page) for page in pages] == [BY_POINTS[:2], BY_POINTS[2:4], BY_POINTS[4:]]


def test_api_pages_cut_across_a_tie_keep_the_shared_rank(board):
    app, admin = board
    api = Caller(app.test_client(), admin, token_for(admin, ["read"]))
    seen, cursor = [], None
    while True:
        body = api.get(f"{BOARD}&limit=2" + (f"&cursor={cursor}" if cursor else "")).json
        seen.append(ranks(body["items"]))
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == [BY_POINTS[:2], BY_POINTS[2:4], BY_POINTS[4:]]  # the tie spans pages 1 and 2
    awards = api.get(f"{BOARD}&metric=awards").json["items"]
    assert ranks(awards) == BY_AWARDS


def test_the_csv_and_the_web_page_show_the_shared_ranks(board):
    app, admin = board
    api = Caller(app.test_client(), admin, token_for(admin, ["read"]))
    lines = list(csv.reader(io.StringIO(api.get(f"{BOARD}&format=csv").data.decode())))
    assert [(int(line[0]), line[3]) for line in lines[1:]] == BY_POINTS
    browser = Browser(app.test_client())
    assert browser.login(admin.email).status_code == 302
    html = browser.html("/leaderboard?period=2026-11&metric=awards")
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    cells = [
        (int(row.split('<td class="num">')[1].split("<")[0]), row.split("</a>")[0].split(">")[-1])
        for row in body.split("<tr>")[1:]
    ]
    assert cells == BY_AWARDS
    download = browser.get("/leaderboard.csv?period=2026-11").get_data(as_text=True)
    assert [(int(line[0]), line[3]) for line in list(csv.reader(io.StringIO(download)))[1:]] == (
        BY_POINTS
    )
