"""The leaderboard page and its CSV: scopes by role, windows, filters, safe cells."""

from __future__ import annotations

import csv
import io

import pytest

from ledger.export import safe_cell
from tests.web.conftest import give


@pytest.fixture
def awards(org):
    give(org["ana"], [org["ben"]], points=20, kind="need")
    give(org["sam"], [org["ben"]], points=5, kind="proactive")
    give(org["lead"], [org["ana"]], points=12, kind="handoff")
    give(org["boss"], [org["sam"]], points=8, kind="need")
    return org


def ranked_names(html: str) -> list[str]:
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    return [part.split("</a>")[0].split(">")[-1] for part in body.split('href="/people/')[1:]]


def test_the_company_ranking_lists_everyone_with_bars(as_user, awards):
    html = as_user("ana").html("/leaderboard")
    assert ranked_names(html) == ["Ben Berg", "Ana Alvarez", "Sam Sales"]
    assert 'class="bar" style="width: 75.0%"' in html
    assert "served up" not in html.split("<tbody>")[0].split("<thead>")[1]  # no breakdown


def test_metrics_and_filters_change_the_ranking(as_user, awards):
    browser = as_user("ana")
    assert ranked_names(browser.html("/leaderboard?metric=customers"))[0] == "Ben Berg"
    assert ranked_names(browser.html("/leaderboard?kind=need")) == ["Ben Berg", "Sam Sales"]
    assert ranked_names(browser.html("/leaderboard?direction=up")) == ["Ana Alvarez"]


def test_an_employee_sees_their_team_and_department_but_not_a_subtree(as_user, awards):
    browser = as_user("ana")
    assert ranked_names(browser.html("/leaderboard?scope=team")) == ["Ben Berg", "Ana Alvarez"]
    assert "Sam Sales" not in ranked_names(browser.html("/leaderboard?scope=department"))
    refused = browser.get(f"/leaderboard?scope=team:{awards['lead'].id}")
    assert refused.status_code == 403
    assert "manage scope" in refused.get_data(as_text=True)
    assert f"team:{awards['ana'].id}" not in browser.html("/leaderboard")


def test_a_manager_sees_their_subtree_and_the_direction_breakdown(as_user, awards):
    browser = as_user("lead")
    html = browser.html(f"/leaderboard?scope=team:{awards['lead'].id}")
    assert ranked_names(html) == ["Ben Berg", "Ana Alvarez"]
    assert "served up" in html.split("<thead>")[1].split("</thead>")[0]
    assert browser.get(f"/leaderboard?scope=team:{awards['boss'].id}").status_code == 404


def test_a_manager_sees_no_split_and_no_department_beyond_their_reach(as_user, awards):
    # Regression: the page showed any manager the company's split and offered no check on
    # another department's board.
    browser = as_user("lead")
    company = browser.html("/leaderboard")
    assert ranked_names(company) == ["Ben Berg", "Ana Alvarez", "Sam Sales"]
    assert "served up" not in company.split("<thead>")[1].split("</thead>")[0]
    csv_header = browser.get("/leaderboard.csv").get_data(as_text=True).splitlines()[0]
    assert csv_header.endswith(",customers")
    sales = awards["sam"].department_id
    assert f"department:{sales}" not in company
    refused = browser.get(f"/leaderboard?scope=department:{sales}")
    assert refused.status_code == 404 and "Sam Sales" not in refused.get_data(as_text=True)
    assert browser.get(f"/leaderboard.csv?scope=department:{sales}").status_code == 404


def test_a_department_within_reach_is_offered_with_its_split(as_user, awards):
    # Bea Boss's own department is Leadership; Engineering (Lee, Ana, Ben) is all under her.
    engineering = awards["ana"].department_id
    browser = as_user("boss")
    html = browser.html("/leaderboard")
    assert f"department:{engineering}" in html
    assert f"department:{awards['sam'].department_id}" not in html
    board = browser.html(f"/leaderboard?scope=department:{engineering}")
    assert ranked_names(board) == ["Ben Berg", "Ana Alvarez"]
    assert "served up" in board.split("<thead>")[1].split("</thead>")[0]


def test_a_custom_range_and_past_periods_are_windows(as_user, awards):
    browser = as_user("ana")
    assert ranked_names(
        browser.html("/leaderboard?period=custom&since=2026-11-16&until=2026-11-16")
    )
    empty = browser.html("/leaderboard?period=2026-10")
    assert "No one received points in this window" in empty
    bad = browser.get("/leaderboard?period=custom&since=2026-11-20&until=2026-11-01")
    assert bad.status_code == 422 and "must come after" in bad.get_data(as_text=True)
    wrong = browser.get("/leaderboard?period=custom&since=yesterday")
    assert wrong.status_code == 422 and "such as 2026-11-01" in wrong.get_data(as_text=True)
    assert browser.get("/leaderboard?period=2026-13").status_code == 422


def test_the_csv_has_a_header_and_every_ranked_row(as_user, awards):
    from ledger.services.directory import update_user
    from tests.factories import ADMIN_ACTOR, NOW

    update_user(awards["sam"].id, {"employee_number": "HR-0042"}, now=NOW, actor=ADMIN_ACTOR)
    response = as_user("admin").get("/leaderboard.csv?scope=company")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == [
        "rank",
        "employee_id",
        "user_id",
        "name",
        "email",
        "points",
        "awards",
        "customers",
        "up",
        "down",
        "lateral",
    ]
    assert [row[3] for row in rows[1:]] == ["Ben Berg", "Ana Alvarez", "Sam Sales"]
    assert rows[1][1] == rows[1][2] == str(awards["ben"].id)  # no HR number: Baton's id
    assert rows[3][1] == "HR-0042"


def test_csv_text_cells_cannot_become_formulas(as_user, org, app):
    from ledger.services.directory import update_user
    from tests.factories import ADMIN_ACTOR, NOW

    update_user(org["ben"].id, {"name": '=HYPERLINK("http://x")'}, now=NOW, actor=ADMIN_ACTOR)
    give(org["ana"], [org["ben"]], points=5)
    text = as_user("ana").get("/leaderboard.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in text
    assert ",=HYPERLINK" not in text


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_safe_cell_escapes_each_formula_prefix(prefix):
    assert safe_cell(prefix + "1+1") == "'" + prefix + "1+1"
    assert safe_cell("plain " + prefix) == "plain " + prefix
    assert safe_cell(-5) == -5  # numbers are numbers, not text


def test_an_unescaped_writer_would_fail_the_formula_test(monkeypatch, as_user, org):
    # Negative control: with the escaping switched off the CSV carries a live formula.
    from ledger.services.directory import update_user
    from tests.factories import ADMIN_ACTOR, NOW

    monkeypatch.setattr("ledger.export.safe_cell", lambda value: value)
    update_user(org["ben"].id, {"name": "=1+1"}, now=NOW, actor=ADMIN_ACTOR)
    give(org["ana"], [org["ben"]], points=5)
    text = as_user("ana").get("/leaderboard.csv").get_data(as_text=True)
    assert ",=1+1," in text
