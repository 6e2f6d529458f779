"""Production refuses per-process rate-limit counters unless the operator chooses them."""

from __future__ import annotations

import logging
import os

import pytest

from ledger.config import ConfigurationError


@pytest.fixture
def build(sqlite_template, monkeypatch):
    """Build an app from the environment and a minimal config, as `wsgi:app` would."""
    monkeypatch.delenv("BATON_RATELIMIT_STORAGE_URI", raising=False)
    urls = []

    def create(env: str, **environment: str):
        from wsgi import create_app

        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        urls.append(sqlite_template.new_database())
        return create_app(
            {
                "TESTING": True,
                "BATON_ENV": env,
                "SECRET_KEY": "test-secret-key",
                "SQLALCHEMY_DATABASE_URI": urls[-1],
            }
        )

    yield create
    for url in urls:
        sqlite_template.drop(url)


def test_production_refuses_to_start_without_a_shared_store(build):
    with pytest.raises(ConfigurationError, match="BATON_RATELIMIT_STORAGE_URI") as refused:
        build("production")
    assert "memory://" in str(refused.value)  # the message names the way out


def test_production_starts_with_memory_chosen_on_purpose_and_says_so(build, caplog):
    with caplog.at_level(logging.WARNING):
        app = build("production", BATON_RATELIMIT_STORAGE_URI="memory://")
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert "each process counts alone" in caplog.text


def test_production_starts_quietly_with_a_shared_store(build, caplog):
    url = os.environ.get("BATON_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    with caplog.at_level(logging.WARNING):
        app = build("production", BATON_RATELIMIT_STORAGE_URI=url)
    assert app.config["RATELIMIT_STORAGE_URI"] == url
    assert "counts alone" not in caplog.text


def test_development_counts_in_memory_without_being_told(build):
    # Negative control: the refusal is the production profile's, not a missing default.
    assert build("development").config["RATELIMIT_STORAGE_URI"] == "memory://"
