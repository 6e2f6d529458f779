"""The CSRF token is renewed at login and logout: a token seen before is useless after."""

from __future__ import annotations

import pytest

from tests.factories import make_user
from tests.web.conftest import PASSWORD, Browser, token_from


@pytest.fixture
def browser(client):
    make_user("ann@example.com", name="Ann")
    return Browser(client)


def logged_in(browser: Browser) -> bool:
    return browser.get("/").status_code == 200


def test_a_token_minted_before_login_is_refused_after_login(browser):
    before = token_from(browser.get("/login").get_data(as_text=True))
    assert browser.login("ann@example.com").status_code == 302
    refused = browser.request("POST", "/logout", data={"csrf_token": before})
    assert refused.status_code == 400
    assert logged_in(browser)
    # The token the page now carries works.
    assert browser.post("/logout").status_code == 302
    assert not logged_in(browser)


def test_a_token_from_the_session_is_refused_after_logout(browser):
    browser.login("ann@example.com")
    during = browser.token()
    assert browser.request("POST", "/logout", data={"csrf_token": during}).status_code == 302
    form = {"email": "ann@example.com", "password": PASSWORD, "csrf_token": during}
    assert browser.request("POST", "/login", data=form).status_code == 400
    assert not logged_in(browser)
    assert browser.login("ann@example.com").status_code == 302


def test_without_the_rotation_the_old_token_would_still_work(browser, monkeypatch):
    # Negative control: the first test fails when login keeps the token.
    import web.views.auth

    monkeypatch.setattr(web.views.auth, "renew_csrf_token", lambda: None)
    before = token_from(browser.get("/login").get_data(as_text=True))
    browser.login("ann@example.com")
    assert browser.request("POST", "/logout", data={"csrf_token": before}).status_code == 302
