"""Caching and retry headers: no-store on API and CSV answers, Retry-After only on refusals."""

from __future__ import annotations

import pytest

from tests.api.conftest import Caller, award_body, token_for
from tests.factories import make_app, make_user
from tests.web.conftest import Browser


@pytest.fixture
def limited_app(sqlite_template):
    url = sqlite_template.new_database()
    application = make_app(url, RATELIMIT_ENABLED=True, BATON_AWARD_RATE_LIMIT="2 per minute")
    with application.app_context():
        yield application
        from ledger.db import db

        db.session.remove()
        db.engine.dispose()
    sqlite_template.drop(url)


def test_a_successful_award_carries_no_retry_after_but_the_refusal_does(limited_app):
    client = limited_app.test_client()
    ada, bob = make_user("ada@example.com"), make_user("bob@example.com")
    as_ada = Caller(client, ada, token_for(ada, ["read", "award"]))
    created = as_ada.post("/api/v1/awards", award_body(bob.id, points=1))
    assert created.status_code == 201
    # The limiter still tells how much is left; it just does not ask a success to wait.
    assert created.headers["X-RateLimit-Remaining"] == "1"
    assert "Retry-After" not in created.headers
    as_ada.post("/api/v1/awards", award_body(bob.id, points=1))
    refused = as_ada.post("/api/v1/awards", award_body(bob.id, points=1))
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1


def test_a_successful_login_carries_no_retry_after(limited_app):
    make_user("ann@example.com")
    response = Browser(limited_app.test_client()).login("ann@example.com")
    assert response.status_code == 302
    assert "X-RateLimit-Limit" in response.headers  # the login limit did apply
    assert "Retry-After" not in response.headers


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/me",
        "/api/v1/awards",
        "/api/v1/awards/999",  # an error answer too
        "/api/v1/leaderboard?format=csv",
        "/api/v1/no-such-thing",
    ],
)
def test_api_answers_are_never_stored_by_caches(client, path):
    ada = make_user("ada@example.com")
    response = Caller(client, ada, token_for(ada, ["read"])).get(path)
    assert response.headers["Cache-Control"] == "no-store", response.status_code


def test_web_csv_downloads_are_never_stored_by_caches(client):
    make_user("ann@example.com")
    browser = Browser(client)
    browser.login("ann@example.com")
    response = browser.get("/leaderboard.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"


def test_static_assets_stay_cacheable(client):
    # Negative control: the rule is about answers with people's data, not every file.
    with client.get("/static/vendor/swagger-ui-dist-5.35.0/swagger-ui.css") as response:
        assert response.status_code == 200
        assert "no-store" not in response.headers.get("Cache-Control", "")
