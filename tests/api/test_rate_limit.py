"""The per-principal award limit: 429 in the JSON shape with Retry-After, per token owner."""

from __future__ import annotations

import os
import uuid

import pytest

from tests.api.conftest import Caller, award_body, token_for
from tests.databases import skip_or_fail
from tests.factories import make_app, make_user

REQUIRE_REDIS = os.environ.get("BATON_REQUIRE_REDIS") == "1"


@pytest.fixture
def database(sqlite_template):
    url = sqlite_template.new_database()
    yield url
    sqlite_template.drop(url)


@pytest.fixture
def limited_app(database):
    application = make_app(database, RATELIMIT_ENABLED=True, BATON_AWARD_RATE_LIMIT="2 per minute")
    with application.app_context():
        yield application
        from ledger.db import db

        db.session.remove()
        db.engine.dispose()


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


def spread_over_two_workers(database, storage: str) -> list[int]:
    """Send four awards alternately through two apps on one database and one limit store."""
    config = dict(
        RATELIMIT_ENABLED=True,
        BATON_AWARD_RATE_LIMIT="3 per minute",
        RATELIMIT_STORAGE_URI=storage,
        BATON_RATELIMIT_KEY_PREFIX=f"test-{uuid.uuid4().hex}",  # no count from earlier runs
    )
    workers = [make_app(database, **config) for _ in range(2)]
    with workers[0].app_context():
        ada, bob = make_user("ada@example.com"), make_user("bob@example.com")
        token, bob_id = token_for(ada, ["award"]), bob.id
    statuses = []
    for number in range(4):
        worker = workers[number % 2]
        with worker.app_context():
            caller = Caller(worker.test_client(), None, token)
            statuses.append(caller.post("/api/v1/awards", award_body(bob_id, points=1)).status_code)
    for worker in workers:
        with worker.app_context():
            from ledger.db import db

            db.engine.dispose()
    return statuses


def test_two_workers_share_the_award_counter_through_redis(database):
    redis_url = os.environ.get("BATON_TEST_REDIS_URL")
    if not redis_url:
        skip_or_fail("Redis tests need BATON_TEST_REDIS_URL", REQUIRE_REDIS)
    assert spread_over_two_workers(database, redis_url) == [201, 201, 201, 429]


def test_workers_with_memory_storage_count_alone(database):
    # Negative control: with per-process storage the same spread never trips the limit.
    assert spread_over_two_workers(database, "memory://") == [201] * 4
