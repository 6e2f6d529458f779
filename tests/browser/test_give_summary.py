"""The chosen people stay in view above the scrolling list, with their direction, removable.

Failed before issue 15 item 2: a person chosen and then scrolled or filtered away was out of
sight, and nothing showed how each chosen person served the giver before sending.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import EMPLOYEE

pytestmark = pytest.mark.browser


def test_the_chosen_people_are_summed_up_and_can_be_removed(watched):
    page = watched.page
    watched.login(EMPLOYEE)
    watched.goto("/give")
    for name in ("Kwame Asante", "Ines Duarte"):
        page.fill("#recipient-filter", name)
        page.locator("#recipient-list li:not([hidden])", has_text=name).locator("input").check()
    page.fill("#recipient-filter", "nobody-is-called-this")  # the list shows no one now
    summary = page.locator("#chosen-list")
    assert summary.is_visible()
    for name in ("Kwame Asante", "Ines Duarte"):
        entry = summary.locator("li", has_text=name)
        assert entry.is_visible() and entry.locator(".badge").is_visible()
        assert "served" in entry.locator(".badge").inner_text()
    page.get_by_role("button", name="Remove Kwame Asante").click()
    assert summary.locator("li").count() == 1
    checked = page.locator("#recipient-list li", has_text="Kwame Asante").locator("input")
    assert not checked.is_checked()
    assert watched.problems == []
