"""What a person does in a real browser: give, see, and nothing a hostile page can misuse."""

from __future__ import annotations

import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.browser.conftest import ADMIN, AXE, EMPLOYEE, MANAGER, WAIT_MS, count_awards

pytestmark = pytest.mark.browser

MAIN_PAGES = ["/", "/give", "/feed", "/leaderboard", "/people", "/people/7"]


def fill_award(page, recipient: str, points: int, message: str, kind: str = "handoff") -> None:
    page.fill("#recipient-filter", recipient)
    row = page.locator("#recipient-list li:not([hidden])", has_text=recipient).first
    row.locator("input[type=checkbox]").check()
    page.fill("#points", str(points))
    page.check(f"input[name=service_kind][value={kind}]")
    page.fill("#message", message)


def unique(text: str) -> str:
    return f"{text} ({secrets.token_hex(3)})"


def test_an_employee_gives_through_the_form_and_sees_it_in_feed_and_leaderboard(watched, live):
    page = watched.page
    watched.login(EMPLOYEE)
    watched.screenshot("home", full_page=False)
    watched.goto("/give")
    message = unique("Thanks for turning my rough ask into the report the board needed")
    fill_award(page, "Sofia Rossi", 7, message, kind="need")
    watched.screenshot("give")
    with page.expect_navigation(timeout=WAIT_MS):
        page.click("#give-submit")
    assert "/feed" in page.url
    highlighted = page.locator("article.award.highlight")
    assert message in highlighted.inner_text()
    assert "Sofia Rossi" in highlighted.inner_text()
    watched.screenshot("feed", full_page=False)
    watched.goto("/leaderboard?scope=company&metric=points")
    assert page.locator("table.ranking", has_text="Sofia Rossi").is_visible()
    assert count_awards(live.app, message) == 1
    assert watched.problems == []


def test_the_total_cost_shows_live_before_sending(watched):
    page = watched.page
    watched.login(EMPLOYEE)
    watched.goto("/give")
    for name in ("Kwame Asante", "Ines Duarte"):
        page.fill("#recipient-filter", name)
        page.locator("#recipient-list li:not([hidden])", has_text=name).locator("input").check()
    page.fill("#points", "12")
    page.wait_for_function(
        "() => document.getElementById('cost').textContent.includes('2 people = 24 points')",
        timeout=WAIT_MS,
    )
    page.fill("#recipient-filter", "nobody-is-called-this")
    assert page.locator("#no-match").is_visible()
    assert watched.problems == []


def test_a_double_submit_gives_one_award(watched, live):
    page = watched.page
    watched.login(EMPLOYEE)
    watched.goto("/give")
    message = unique("Thanks for the early warning about the audit dates")
    fill_award(page, "Kwame Asante", 3, message, kind="lead-time")
    # Send the very same rendered form twice at once, as a double click past the JS would.
    statuses = page.evaluate(
        """async () => {
            const data = new FormData(document.getElementById('give-form'));
            const send = () => fetch('/give', {method: 'POST', body: data, redirect: 'manual'});
            const answers = await Promise.all([send(), send()]);
            return answers.map(answer => answer.type);
        }"""
    )
    assert len(statuses) == 2
    page.locator("#give-submit").dblclick()
    page.wait_for_url("**/feed**", timeout=WAIT_MS)
    assert count_awards(live.app, message) == 1


def test_a_cross_site_form_post_changes_nothing(watched, live):
    page = watched.page
    watched.login(EMPLOYEE)
    message = unique("Forged from another site, should never land")
    hostile = HostileSite(live.url + "/give", message)
    try:
        with page.expect_navigation(timeout=WAIT_MS):
            page.goto(hostile.url)
        assert page.locator("h1").inner_text() == "Bad Request"
    finally:
        hostile.stop()
    assert count_awards(live.app, message) == 0


def test_a_message_with_markup_fires_no_dialog(watched, live):
    page = watched.page
    watched.login(EMPLOYEE)
    watched.goto("/give")
    message = "<img src=x onerror=alert(1)> thanks for the hand-over " + secrets.token_hex(3)
    fill_award(page, "Amara Nwosu", 2, message)
    with page.expect_navigation(timeout=WAIT_MS):
        page.click("#give-submit")
    assert page.locator("article.award.highlight blockquote").inner_text() == message
    for path in ("/", "/feed", "/people/12"):
        watched.goto(path)
    assert watched.dialogs == []
    assert count_awards(live.app, message) == 1


def test_the_main_pages_load_without_console_errors(watched):
    watched.login(MANAGER)
    for path in [*MAIN_PAGES, "/leaderboard?scope=team:2", "/people/2"]:
        response = watched.goto(path)
        assert response.status == 200, path
    watched.page.wait_for_function("() => typeof window.Chart === 'function'", timeout=WAIT_MS)
    watched.goto("/leaderboard")
    assert not watched.page.locator("#since").is_visible()  # dates only for a custom range
    watched.page.select_option("#period", "custom")
    assert watched.page.locator("#since").is_visible()
    assert watched.problems == []


@pytest.mark.parametrize("email", [EMPLOYEE, ADMIN])
def test_axe_finds_no_serious_or_critical_violation(chromium, live, email):
    from tests.browser.conftest import Watched

    # The scan injects axe as an inline script, which Baton's CSP rightly refuses.
    context = chromium.new_context(bypass_csp=True)
    try:
        watched = Watched(context.new_page(), live.url)
        pages = ["/login"]
        watched.goto("/login")
        watched.login(email)
        pages = [*MAIN_PAGES] + (
            [
                "/admin/",
                "/admin/settings",
                "/admin/people/",
                "/admin/service-kinds/",
                "/admin/periods/",
                "/admin/webhooks/",
            ]
            if email == ADMIN
            else []
        )
        found = {}
        for path in [*pages, "refused award form"]:
            if path == "refused award form":  # the error state: inline messages, aria-invalid
                watched.goto("/give")
                with watched.page.expect_navigation(timeout=WAIT_MS):
                    watched.page.click("#give-submit")
            else:
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
    finally:
        context.close()


def test_cookies_carry_the_configured_flags(watched, context, live):
    watched.login(EMPLOYEE, remember=True)
    cookies = {cookie["name"]: cookie for cookie in context.cookies()}
    config = live.app.config
    for name, prefix in (("baton_session", "SESSION"), ("baton_remember", "REMEMBER")):
        cookie = cookies[name]
        assert cookie["httpOnly"] is config[f"{prefix}_COOKIE_HTTPONLY"] is True
        assert cookie["sameSite"] == config[f"{prefix}_COOKIE_SAMESITE"] == "Lax"
        assert cookie["secure"] is config[f"{prefix}_COOKIE_SECURE"]


def test_pages_fit_a_phone_screen(chromium, live):
    from tests.browser.conftest import Watched

    context = chromium.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    try:
        watched = Watched(context.new_page(), live.url)
        watched.login(EMPLOYEE)
        for path in ("/", "/give", "/feed", "/leaderboard"):
            watched.goto(path)
            overflow = watched.page.evaluate(
                "document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 0, path
        watched.goto("/give")
        watched.screenshot("give-phone")
        assert watched.problems == []
    finally:
        context.close()


def test_screenshots_of_the_manager_and_admin_pages(watched, context):
    watched.login(MANAGER)
    watched.goto("/leaderboard?scope=team:2")
    watched.screenshot("leaderboard")
    watched.goto("/people/7")
    watched.page.wait_for_function("() => typeof window.Chart === 'function'", timeout=WAIT_MS)
    watched.screenshot("person", full_page=False)
    context.clear_cookies()
    watched.login(ADMIN)
    for name, path in (("admin-settings", "/admin/settings"), ("admin-people", "/admin/people/")):
        watched.goto(path)
        watched.screenshot(name, full_page=False)
    assert watched.problems == []


class HostileSite:
    """Another origin (another port) whose page auto-posts an award form to Baton."""

    def __init__(self, target: str, message: str) -> None:
        page = f"""<!doctype html><html lang="en"><title>Win a prize</title><body>
<form id="f" method="post" action="{target}">
<input name="recipients" value="8"><input name="points" value="50">
<input name="service_kind" value="need"><input name="message" value="{message}">
<input name="nonce" value="{"x" * 24}"></form>
<script>document.getElementById('f').submit()</script></body></html>""".encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                self.wfile.write(page)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)
        self.server.server_close()


def test_the_watchers_catch_what_the_scenarios_rule_out(chromium, live):
    # Negative controls: a console error, a dialog and an axe violation are each reported.
    from tests.browser.conftest import Watched

    context = chromium.new_context(bypass_csp=True)
    try:
        watched = Watched(context.new_page(), live.url)
        watched.goto("/login")
        watched.page.evaluate("() => console.error('deliberate')")
        watched.page.evaluate(
            "() => document.body.insertAdjacentHTML('beforeend', '<img src=x onerror=alert(1)>')"
        )
        watched.page.wait_for_function("() => true", timeout=WAIT_MS)
        watched.page.evaluate("() => document.body.insertAdjacentHTML('beforeend', '<input>')")
        watched.page.add_script_tag(path=str(AXE))
        impacts = watched.page.evaluate(
            "async () => (await axe.run()).violations.map(v => v.impact)"
        )
        watched.page.wait_for_timeout(200)  # let the broken image's handler run
        assert any("deliberate" in problem for problem in watched.problems)
        assert watched.dialogs == ["1"]
        assert "critical" in impacts or "serious" in impacts
    finally:
        context.close()


def test_a_refused_form_shows_inline_errors_and_focuses_the_first(watched, live):
    page = watched.page
    watched.login(EMPLOYEE)
    watched.goto("/give")
    page.fill("#message", "too short")
    with page.expect_navigation(timeout=WAIT_MS):
        page.click("#give-submit")
    assert page.locator("#recipients-error").inner_text() == "Choose at least one person to thank."
    assert page.locator("#message").input_value() == "too short"
    focused = page.evaluate("() => document.activeElement.name")
    assert focused == "recipients"
    assert watched.problems == []
