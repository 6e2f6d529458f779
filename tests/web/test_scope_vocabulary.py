"""One vocabulary for groups, and a custom range that needs its dates (issue 15 item 4).

Each failed on the code before: the leaderboard said "My team" for peers beside "Everyone
under me", bonus runs said "My whole team" and showed `team:2`; a custom range without
dates silently showed this month.
"""

from __future__ import annotations

from tests.bonus.test_web import NEW_RUN, ann  # noqa: F401  (fixture)

PEERS = "My peers (people who share my manager)"  # as web/scopes.py names them
UNDER_ME = "Everyone under me"


def test_the_leaderboard_and_bonus_runs_name_groups_alike(ann):  # noqa: F811
    org, browser = ann
    board = browser.html("/leaderboard")
    assert PEERS in board and UNDER_ME in board and "My team" not in board
    form = browser.html("/bonus/")
    assert f">{UNDER_ME}<" in form and "My whole team" not in form
    created = browser.post("/bonus/", {**NEW_RUN, "scope": f"team:{org.ann.id}"})
    page = browser.html(created.headers["Location"])
    assert f">team:{org.ann.id}" not in page and f"<p>{UNDER_ME}," in page
    runs = browser.html("/bonus/")
    assert f"<td>team:{org.ann.id}</td>" not in runs and f"<td>{UNDER_ME}</td>" in runs


def test_a_custom_range_without_dates_is_refused_not_shown_as_this_month(ann):  # noqa: F811
    _org, browser = ann
    refused = browser.get("/leaderboard?period=custom")
    assert refused.status_code == 422
    assert "give both dates" in refused.get_data(as_text=True)
    # The control: with both dates the same range ranks.
    dated = browser.get("/leaderboard?period=custom&since=2026-11-01&until=2026-11-30")
    assert dated.status_code == 200
