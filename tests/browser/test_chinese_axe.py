"""A Chinese-speaking person's pages pass axe as the English ones do, in both schemes (issue 15:
axe in light and dark and in both languages). The browser asks for Chinese as a system set to
Chinese would (Accept-Language from the context's locale); each page must answer in Chinese
(`<html lang="zh…">`), so a page that ignored the language could not pass unseen."""

from __future__ import annotations

import pytest

from tests.browser.conftest import ADMIN, AXE, Watched
from tests.browser.test_dark_mode import PAGES, SERIOUS

pytestmark = pytest.mark.browser


@pytest.fixture(params=["light", "dark"])
def chinese(request, chromium, live):
    """A signed-in admin whose browser asks for Simplified Chinese, in one colour scheme."""
    context = chromium.new_context(bypass_csp=True, color_scheme=request.param, locale="zh-CN")
    watched = Watched(context.new_page(), live.url)
    watched.login(ADMIN)
    yield watched
    context.close()


def test_every_page_in_chinese_passes_axe(chinese):
    found, languages = {}, {}
    for path in PAGES:
        assert chinese.goto(path).status == 200, path
        languages[path] = chinese.page.evaluate("() => document.documentElement.lang")
        chinese.page.add_script_tag(path=str(AXE))
        violations = chinese.page.evaluate(SERIOUS)
        if violations:
            found[path] = violations
    assert found == {}
    assert {path for path, lang in languages.items() if not lang.startswith("zh")} == set()
    assert chinese.problems == []
