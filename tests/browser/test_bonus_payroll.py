"""In Chromium: a demo manager turns last month's points into a payroll file, accessibly."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

# The chromium and live fixtures come from tests/browser/conftest.py: importing them into a
# module would start a second Playwright in the same thread and break every later test.
from tests.browser.conftest import AXE, MANAGER, WAIT_MS, Watched

pytestmark = pytest.mark.browser

SERIOUS = """async () => (await axe.run()).violations
    .filter(v => ['serious', 'critical'].includes(v.impact))
    .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"""


def test_a_manager_gets_last_months_payroll_file_in_under_a_minute(chromium, live):
    # axe is injected as an inline script, which Baton's CSP rightly refuses.
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    try:
        watched = Watched(context.new_page(), live.url)
        started = time.monotonic()
        watched.login(MANAGER)
        watched.page.click("text=Bonus runs")
        watched.page.fill("#amount", "0.50")
        with watched.page.expect_navigation(timeout=WAIT_MS):
            watched.page.click("text=Preview the run")
        assert "(draft)" in watched.page.inner_text("h1")
        watched.screenshot("bonus-preview")
        violations = {}
        for name in ("preview", "index"):
            watched.page.add_script_tag(path=str(AXE))
            violations[name] = watched.page.evaluate(SERIOUS)
            if name == "preview":
                preview_url = watched.page.url
                watched.goto("/bonus/")
        watched.page.goto(preview_url)
        watched.page.check("#confirm")
        with watched.page.expect_navigation(timeout=WAIT_MS):
            watched.page.click("button:has-text('Commit')")
        assert "(committed)" in watched.page.inner_text("h1")
        with watched.page.expect_download(timeout=WAIT_MS) as download:
            watched.page.click("text=Download the payroll file")
        lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
        elapsed = time.monotonic() - started
        print(f"payroll rows: {len(lines) - 1}, clicks to file: {elapsed:.1f} s")
        assert lines[0].startswith("employee_id,email,name,department,points,amount")
        assert len(lines) > 1 and elapsed < 60
        assert violations == {"preview": [], "index": []}
        assert watched.problems == []
    finally:
        context.close()
