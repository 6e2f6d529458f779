"""The insight pages in a real browser on the demo organisation: charts drawn, axe clean."""

from __future__ import annotations

import pytest

from tests.browser.conftest import ADMIN, AXE, MANAGER, WAIT_MS, Watched

pytestmark = pytest.mark.browser

# (path, the chart it must draw or None)
PAGES = [
    ("/insights/", None),
    ("/insights/service-mix", "mix-people-chart"),
    ("/insights/unrecognized", None),
    ("/insights/reciprocity", None),
    ("/insights/service-map", None),
    ("/insights/participation", "participation-trend-chart"),
    ("/leaderboard/givers", None),  # beside the insights, for everyone
    ("/payouts", None),
]


def drawn(page, canvas_id: str) -> bool:
    """Tell whether Chart.js drew on the canvas (it registers the chart by its canvas)."""
    return page.evaluate(
        "(id) => !!(window.Chart && window.Chart.getChart(document.getElementById(id)))",
        canvas_id,
    )


@pytest.mark.parametrize("email", [MANAGER, ADMIN])
def test_insight_pages_draw_their_charts_and_pass_axe(chromium, live, email):
    context = chromium.new_context(bypass_csp=True)  # axe is injected as a script
    try:
        watched = Watched(context.new_page(), live.url)
        watched.login(email)
        found = {}
        for path, chart in PAGES:
            response = watched.goto(path)
            assert response.status == 200, path
            if chart:
                watched.page.wait_for_function(
                    "() => typeof window.Chart === 'function'", timeout=WAIT_MS
                )
                assert drawn(watched.page, chart), f"no chart drawn on {path}"
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


def test_the_insight_pages_keep_the_csp_without_console_errors(watched):
    watched.login(MANAGER)
    for path, chart in PAGES:
        watched.goto(path)
        if chart:
            watched.page.wait_for_function("() => typeof window.Chart === 'function'")
            assert drawn(watched.page, chart)
    watched.screenshot("insights-service-mix")
    assert watched.problems == []


def test_the_demo_ring_is_flagged_on_the_reciprocity_page(watched):
    watched.login(MANAGER)
    watched.goto("/insights/reciprocity")
    rings = watched.page.locator("section[aria-labelledby=rings-heading] tbody tr")
    assert rings.count() == 1
    assert "Kwame Asante" in rings.first.inner_text()
    watched.screenshot("insights-reciprocity")
