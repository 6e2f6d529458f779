"""On a phone the leaderboard fits the screen: no column hides in a side scroller.

Failed on the code before (issue 15 item 4): the distribution bars' minimum width pushed the
number columns out of view at 390 px.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import EMPLOYEE, PASSWORD

pytestmark = pytest.mark.browser

OVERFLOW = """() => {
  const wrap = document.querySelector('.table-wrap');
  const clipped = Array.from(document.querySelectorAll('.ranking td, .ranking th'))
    .filter((cell) => cell.scrollWidth > cell.clientWidth + 1).length;
  return {table: wrap.scrollWidth - wrap.clientWidth, clipped: clipped};
}"""


def test_the_ranking_fits_a_phone_screen(chromium, live):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(live.url + "/login")
        page.fill("#email", EMPLOYEE)
        page.fill("#password", PASSWORD)
        with page.expect_navigation():
            page.click("button[type=submit]")
        page.goto(live.url + "/leaderboard?scope=company")
        assert page.locator(".ranking tbody tr").count() > 0
        assert page.evaluate(OVERFLOW) == {"table": 0, "clipped": 0}
    finally:
        context.close()
