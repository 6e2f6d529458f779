"""Login rate limits: per account and per address; a forged X-Forwarded-For changes nothing."""

import os
import uuid

import pytest

from tests.databases import skip_or_fail
from tests.factories import make_app, make_user
from tests.web.test_sessions import FreshClient, csrf_token

REQUIRE_REDIS = os.environ.get("BATON_REQUIRE_REDIS") == "1"


@pytest.fixture
def limited(request, sqlite_template):
    """Build an app with rate limiting on (the other tests switch it off)."""
    urls = []

    def build(**overrides):
        url = sqlite_template.new_database()
        urls.append(url)
        app = make_app(url, RATELIMIT_ENABLED=True, **overrides)
        app.test_client_class = FreshClient
        with app.app_context():
            make_user("ann@example.com", name="Ann")
            make_user("bob@example.com", name="Bob")
        return app

    yield build
    for url in urls:
        sqlite_template.drop(url)


def attempt(client, email, password="wrong password!", forwarded=None):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    form = {"email": email, "password": password, "csrf_token": csrf_token(client)}
    return client.post("/login", data=form, headers=headers)


def test_the_eleventh_failed_login_on_one_account_answers_429(limited):
    client = limited(BATON_PROXY_HOPS=0).test_client()
    statuses = [attempt(client, "ann@example.com").status_code for _ in range(10)]
    assert statuses == [401] * 10
    refused = attempt(client, "ann@example.com", "correct horse battery")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    # The counter is per account: another person may still log in from here.
    assert attempt(client, "bob@example.com", "correct horse battery").status_code == 302


def test_successful_logins_do_not_use_up_the_account_limit(limited):
    app = limited()
    for _ in range(12):
        assert (
            attempt(app.test_client(), "ann@example.com", "correct horse battery").status_code
            == 302
        )


def test_a_forged_forwarded_for_does_not_reset_the_address_counter(limited):
    client = limited(BATON_PROXY_HOPS=0).test_client()
    statuses = [
        attempt(client, f"nobody{n}@example.com", forwarded=f"10.0.{n}.1").status_code
        for n in range(51)
    ]
    assert statuses[:50] == [401] * 50
    assert statuses[50] == 429


def test_a_trusted_proxy_hop_would_let_the_header_spread_the_counter(limited):
    # Negative control: behind a (here forged) trusted hop each address counts alone,
    # so the test above would fail if the app trusted X-Forwarded-For by default.
    client = limited(BATON_PROXY_HOPS=1).test_client()
    statuses = [
        attempt(client, f"nobody{n}@example.com", forwarded=f"10.0.{n}.1").status_code
        for n in range(51)
    ]
    assert 429 not in statuses


def test_the_rate_limit_answer_is_a_page_for_people(limited):
    client = limited(BATON_LOGIN_RATE_LIMIT_ACCOUNT="1 per 15 minutes").test_client()
    attempt(client, "ann@example.com")
    refused = attempt(client, "ann@example.com")
    assert refused.status_code == 429
    assert refused.mimetype == "text/html" and b"Too many attempts" in refused.data


def test_two_workers_share_the_login_counters_through_redis(limited):
    redis_url = os.environ.get("BATON_TEST_REDIS_URL")
    if not redis_url:
        skip_or_fail("Redis tests need BATON_TEST_REDIS_URL", REQUIRE_REDIS)
    # Two apps stand for two gunicorn workers; a fresh account keeps old runs' counts out.
    email = f"ann-{uuid.uuid4().hex[:8]}@example.com"
    workers = [limited(RATELIMIT_STORAGE_URI=redis_url).test_client() for _ in range(2)]
    statuses = [attempt(workers[n % 2], email).status_code for n in range(11)]
    assert statuses == [401] * 10 + [429]


def test_workers_with_memory_storage_count_alone(limited):
    # Negative control: with per-process storage the same spread never trips the limit.
    email = f"ann-{uuid.uuid4().hex[:8]}@example.com"
    workers = [limited(RATELIMIT_STORAGE_URI="memory://").test_client() for _ in range(2)]
    statuses = [attempt(workers[n % 2], email).status_code for n in range(11)]
    assert 429 not in statuses


def test_the_login_counters_are_kept_apart_by_the_key_prefix(limited):
    # Failed on old code: the web limiter ignored BATON_RATELIMIT_KEY_PREFIX, so parallel test
    # workers (and deployments) sharing one Redis counted each other's failed logins.
    redis_url = os.environ.get("BATON_TEST_REDIS_URL")
    if not redis_url:
        skip_or_fail("Redis tests need BATON_TEST_REDIS_URL", REQUIRE_REDIS)
    email = f"ann-{uuid.uuid4().hex[:8]}@example.com"
    one, other = f"test-{uuid.uuid4().hex}", f"test-{uuid.uuid4().hex}"

    def worker(prefix):
        return limited(
            RATELIMIT_STORAGE_URI=redis_url,
            BATON_RATELIMIT_KEY_PREFIX=prefix,
            BATON_LOGIN_RATE_LIMIT_ACCOUNT="1 per 15 minutes",
        ).test_client()

    first = worker(one)
    assert attempt(first, email).status_code == 401
    assert attempt(first, email).status_code == 429
    assert attempt(worker(other), email).status_code == 401
    # Negative control: the same prefix on the same store does share the counter.
    assert attempt(worker(one), email).status_code == 429


def test_each_test_process_counts_under_its_own_prefix(limited):
    from tests.factories import PROCESS_KEY_PREFIX

    app = limited()
    assert app.config["BATON_RATELIMIT_KEY_PREFIX"] == PROCESS_KEY_PREFIX != "baton"
