"""Dark mode follows the system setting: pages pass axe in both schemes, charts stay legible.

Before issue 15 item 9 every page forced the light theme (`data-theme="light"`): a phone in
dark mode got a white page. Here each scheme is asked for as a system would
(`prefers-color-scheme`), and a canvas chart is judged by the colours it was drawn with,
which axe cannot see.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import ADMIN, AXE, WAIT_MS, Watched
from tests.browser.test_browser import MAIN_PAGES, fill_award, unique

pytestmark = pytest.mark.browser

PAGES = [*MAIN_PAGES, "/insights/service-mix", "/insights/participation", "/insights/service-map",
         "/bonus/", "/admin/", "/notifications"]  # fmt: skip
CHARTS = [("/insights/service-mix", "mix-people-chart"),
          ("/insights/participation", "participation-trend-chart")]  # fmt: skip
SERIOUS = """async () => (await axe.run()).violations
    .filter(v => ['serious', 'critical'].includes(v.impact))
    .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"""
BACKGROUND = "() => getComputedStyle(document.documentElement).backgroundColor"
# What a chart was drawn with: each dataset's colour and the axis text, beside the page's.
CHART_COLOURS = """(id) => {
    const chart = window.Chart.getChart(document.getElementById(id));
    const scale = Object.values(chart.options.scales)[0];
    return {sets: chart.data.datasets.map(set => set.backgroundColor), text: scale.ticks.color};
}"""


def rgb(colour: str) -> tuple[float, float, float]:
    """Read '#rrggbb' or 'rgb(r, g, b)' into three channels of 0 to 255."""
    colour = colour.strip()
    if colour.startswith("#"):
        return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return tuple(float(part) for part in colour[colour.index("(") + 1 : -1].split(",")[:3])


def luminance(colour: str) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(value) for value in rgb(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(one: str, other: str) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.fixture(params=["light", "dark"])
def scheme(request, chromium, live):
    """A signed-in admin whose system asks for the light or the dark scheme."""
    context = chromium.new_context(bypass_csp=True, color_scheme=request.param)  # axe inline
    watched = Watched(context.new_page(), live.url)
    watched.login(ADMIN)
    yield request.param, watched
    context.close()


def test_every_page_follows_the_scheme_and_passes_axe(scheme):
    name, watched = scheme
    found, backgrounds = {}, {}
    for path in PAGES:
        assert watched.goto(path).status == 200, path
        backgrounds[path] = luminance(watched.page.evaluate(BACKGROUND))
        watched.page.add_script_tag(path=str(AXE))
        violations = watched.page.evaluate(SERIOUS)
        if violations:
            found[path] = violations
    assert found == {}
    dark = {path for path, value in backgrounds.items() if value < 0.05}
    assert dark == (set(PAGES) if name == "dark" else set()), backgrounds
    assert watched.problems == []


def test_the_feed_with_add_on_and_undo_forms_passes_axe(scheme):
    _name, watched = scheme
    watched.goto("/give")  # an award of one's own, so that the feed offers its Undo
    fill_award(watched.page, "Omar Haddad", 1, unique("Thanks for checking the dark mode."))
    with watched.page.expect_navigation(timeout=WAIT_MS):
        watched.page.click("#give-submit")
    assert watched.page.locator("form.add-on-form").count() > 0
    assert watched.page.locator("form[action$='/withdrawal']").count() > 0
    watched.page.add_script_tag(path=str(AXE))
    assert watched.page.evaluate(SERIOUS) == []


def test_charts_take_their_colours_from_the_scheme(scheme):
    _name, watched = scheme
    for path, chart in CHARTS:
        watched.goto(path)
        watched.page.wait_for_function("() => typeof window.Chart === 'function'", timeout=WAIT_MS)
        drawn = watched.page.evaluate(CHART_COLOURS, chart)
        background = watched.page.evaluate(BACKGROUND)
        # Bars and lines need 3:1 against the page (WCAG non-text contrast), labels 4.5:1.
        assert all(contrast(colour, background) >= 3 for colour in drawn["sets"]), (path, drawn)
        assert contrast(drawn["text"], background) >= 4.5, (path, drawn)


def test_a_chart_is_recoloured_when_the_system_switches(scheme):
    name, watched = scheme
    watched.goto("/insights/service-mix")
    watched.page.wait_for_function("() => typeof window.Chart === 'function'", timeout=WAIT_MS)
    before = watched.page.evaluate(CHART_COLOURS, "mix-people-chart")
    other = "light" if name == "dark" else "dark"
    watched.page.emulate_media(color_scheme=other)
    recoloured = f"(before) => ({CHART_COLOURS})('mix-people-chart').sets[0] !== before"
    watched.page.wait_for_function(recoloured, arg=before["sets"][0], timeout=WAIT_MS)
    after = watched.page.evaluate(CHART_COLOURS, "mix-people-chart")
    assert after["text"] != before["text"]
    background = watched.page.evaluate(BACKGROUND)
    assert all(contrast(colour, background) >= 3 for colour in after["sets"]), after


def test_the_checks_catch_a_page_that_ignores_the_system_setting(chromium, live):
    # Negative control: the light theme forced as before, in a dark system: the background
    # check sees a light page, and yesterday's fixed chart blue on it fails the contrast bar.
    context = chromium.new_context(color_scheme="dark")
    try:
        watched = Watched(context.new_page(), live.url)
        watched.login(ADMIN)
        watched.goto("/feed")
        assert luminance(watched.page.evaluate(BACKGROUND)) < 0.05
        watched.page.evaluate("() => document.documentElement.setAttribute('data-theme', 'light')")
        assert luminance(watched.page.evaluate(BACKGROUND)) > 0.9
        dark_background = "rgb(19, 22.5, 30.5)"  # Pico's dark page
        assert contrast("#1d4ed8", dark_background) < 3  # the old fixed chart colour
    finally:
        context.close()
