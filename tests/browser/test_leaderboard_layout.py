"""The leaderboard's "Who" select shows its longest choice whole at 1280 px (issue 15 item 4).

Failed on the code before: three equal columns cut "My peers (people who share my manager)"
and "Everyone under me" labels short.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import MANAGER, PASSWORD

pytestmark = pytest.mark.browser

CLIPPED = """() => {
  const select = document.getElementById('scope');
  const style = getComputedStyle(select);
  const context = document.createElement('canvas').getContext('2d');
  context.font = style.font;
  const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return Array.from(select.options)
    .filter((option) => context.measureText(option.text).width > room)
    .map((option) => option.text);
}"""


def test_the_who_select_shows_every_choice_whole_at_1280px(chromium, live):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(live.url + "/login")
        page.fill("#email", MANAGER)
        page.fill("#password", PASSWORD)
        with page.expect_navigation():
            page.click("button[type=submit]")
        page.goto(live.url + "/leaderboard")
        assert page.locator("#scope option").count() >= 4
        assert page.evaluate(CLIPPED) == []
    finally:
        context.close()
