"""The per-principal award limit: 429 in the JSON shape with Retry-After, per token owner."""

from __future__ import annotations

import pytest

from tests.api.conftest import Caller, award_body, token_for
from tests.factories import make_app, make_user


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


def test_awards_beyond_the_limit_answer_429_with_retry_after(limited_app):
    client = limited_app.test_client()
    ada, bob, cy = (make_user(f"{name}@example.com") for name in ("ada", "bob", "cy"))
    as_ada = Caller(client, ada, token_for(ada, ["read", "award"]))
    as_cy = Caller(client, cy, token_for(cy, ["read", "award"]))
    statuses = [as_ada.post("/api/v1/awards", award_body(bob.id, points=1)).status_code
                for _ in range(3)]  # fmt: skip
    assert statuses == [201, 201, 429]
    refused = as_ada.post("/api/v1/awards", award_body(bob.id, points=1))
    assert refused.json["error"]["code"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) >= 1
    # Another principal has their own budget, and reads are not counted.
    assert as_cy.post("/api/v1/awards", award_body(bob.id, points=1)).status_code == 201
    assert as_ada.get("/api/v1/awards").status_code == 200


def test_the_limit_is_off_when_rate_limiting_is_disabled(app, client):
    # Negative control: the same burst passes on an app with limits switched off.
    ada, bob = make_user("ada@example.com"), make_user("bob@example.com")
    as_ada = Caller(client, ada, token_for(ada, ["read", "award"]))
    statuses = {as_ada.post("/api/v1/awards", award_body(bob.id, points=1)).status_code
                for _ in range(3)}  # fmt: skip
    assert statuses == {201}
