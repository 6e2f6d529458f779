"""The API docs page renders offline under the CSP: vendored Swagger UI, no console errors."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_the_api_docs_render_every_operation_without_errors(watched):
    watched.goto("/api/v1/docs")
    watched.page.wait_for_selector(".opblock-summary-path", timeout=15_000)
    paths = watched.page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/awards" in [path.replace("\u200b", "") for path in paths]
    watched.screenshot("api-docs")
    assert watched.problems == []
    assert watched.dialogs == []


def test_the_docs_check_sees_a_script_the_policy_blocks(watched):
    # Negative control: an inline script without the nonce is refused and reported.
    watched.goto("/api/v1/docs")
    watched.page.wait_for_selector(".opblock-summary-path", timeout=15_000)
    watched.page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = '1';"
        " document.body.appendChild(s); }"
    )
    watched.page.wait_for_timeout(200)
    assert any("Content Security Policy" in problem for problem in watched.problems)
