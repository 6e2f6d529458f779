"""A request from asking to the award, in a real browser: a manager asks one of his people,
she hands it on, the next provider delivers, the manager closes it with an award to both."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from tests.browser.conftest import ADMIN, EMPLOYEE, MANAGER

pytestmark = pytest.mark.browser

NEED = "Numbers for the board deck: active customers per region, by Thursday."


def switch_to(watched, email: str) -> None:
    page = watched.page
    with page.expect_navigation():
        page.get_by_role("button", name="Log out").click()
    watched.login(email)


def open_request(watched, request_path: str):
    watched.goto(request_path)
    return watched.page


def test_a_request_is_asked_relayed_delivered_and_closed_with_an_award(watched):
    page = watched.page
    watched.login(MANAGER)
    watched.goto("/")
    page.get_by_role("link", name="Requests").first.click()
    page.get_by_role("button", name="Ask for help").click()
    page.fill("#need", NEED)
    page.select_option("#provider", label="Lena Fischer")
    page.fill("#due", (date.today() + timedelta(days=3)).isoformat())
    with page.expect_navigation():
        page.click("#ask-submit")
    request_path = re.sub(r"^https?://[^/]+", "", page.url)
    assert re.fullmatch(r"/requests/\d+", request_path)
    assert page.get_by_text(NEED).is_visible()

    switch_to(watched, EMPLOYEE)
    watched.goto("/requests/")
    page.get_by_role("link", name=NEED).click()
    with page.expect_navigation():
        page.click("#step-accept")
    page.select_option("#to-handoff", label="Maya Lindqvist")
    page.fill("#note-handoff", "Query written; the export for EMEA is left. Sheet in the drive.")
    with page.expect_navigation():
        page.click("#step-handoff")
    assert page.get_by_text("Sheet in the drive.").is_visible()

    switch_to(watched, ADMIN)
    open_request(watched, request_path)
    page.get_by_text("Mark delivered", exact=True).first.click()  # opens its part of the page
    with page.expect_navigation():
        page.click("#step-deliver")

    switch_to(watched, MANAGER)
    open_request(watched, request_path)
    page.check("#with-award")
    page.fill("#close-points", "5")
    page.fill("#close-message", "Thank you both, the deck was ready early.")
    page.select_option("#close-kind", "handoff")
    with page.expect_navigation():
        page.click("#step-close")
    assert page.get_by_text("Closed with an award to the chain").is_visible()
    steps = page.locator(".timeline strong").all_inner_texts()
    assert steps == ["Asked", "Accepted", "Handed off", "Delivered", "Closed"]

    watched.goto("/feed")
    card = page.locator("article.award", has_text="Thank you both, the deck was ready early.")
    assert card.locator(".award-request").inner_text().count("on time") == 1
    assert "1. Lena Fischer → 2. Maya Lindqvist" in card.inner_text()
    assert watched.problems == [] and watched.dialogs == []


def test_the_request_pages_have_no_serious_accessibility_violation(chromium, live):
    from tests.browser.conftest import AXE, Watched

    context = chromium.new_context(bypass_csp=True)  # axe is injected as an inline script
    try:
        watched = Watched(context.new_page(), live.url)
        watched.login(EMPLOYEE)
        watched.goto("/requests/")
        first = watched.page.locator("table a").first.get_attribute("href")
        found = {}
        for path in ["/requests/", "/requests/new", "/requests/queue", first]:
            watched.goto(path)
            watched.page.add_script_tag(path=str(AXE))
            violations = watched.page.evaluate(
                """async () => (await axe.run()).violations
                    .filter(v => ['serious', 'critical'].includes(v.impact))
                    .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"""
            )
            if violations:
                found[path] = violations
        assert found == {}
        assert watched.problems == []
    finally:
        context.close()
