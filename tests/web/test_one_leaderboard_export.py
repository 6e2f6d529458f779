"""The web page's CSV and the API's CSV are one export (issue 15 item 4).

Failed on the code before: the web file had an employee_id column the API's lacked.
"""

from __future__ import annotations

from tests.web.test_leaderboard import awards  # noqa: F401  (fixture)


def test_the_web_and_api_csv_are_the_same_file(as_user, awards):  # noqa: F811
    browser = as_user("ana")
    query = "scope=company&period=2026-11&metric=points"
    web = browser.get(f"/leaderboard.csv?{query}")
    api = browser.get(f"/api/v1/leaderboard?format=csv&{query}")
    assert web.status_code == api.status_code == 200
    web_text, api_text = web.get_data(as_text=True), api.get_data(as_text=True)
    assert web_text.splitlines()[0].startswith("rank,employee_id,user_id,name")
    assert len(web_text.splitlines()) > 2  # the control: there are rows to compare
    assert web_text == api_text
