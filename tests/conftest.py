"""Fixtures: a fresh app and database per test, on SQLite and (when available) PostgreSQL."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

import wsgi  # noqa: F401  (load every app module before any test patches ledger.clock)
from tests.databases import PostgresTemplate, SqliteTemplate
from tests.factories import NOW, make_app

ENGINES = ["sqlite", "postgres"]

# `ci` runs more examples; both profiles skip the deadline, since database calls vary.
settings.register_profile(
    "ci", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "dev", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    return SqliteTemplate(tmp_path_factory.mktemp("sqlite"))


@pytest.fixture(scope="session")
def postgres_template():
    template = PostgresTemplate()
    yield template
    template.close()


def _database(request, engine: str) -> tuple[str, object]:
    holder = request.getfixturevalue(f"{engine}_template")
    return holder.new_database(), holder


@pytest.fixture
def app(request):
    """An app on a fresh SQLite database (for API, web and CLI tests)."""
    yield from _app(request, "sqlite")


@pytest.fixture(params=ENGINES)
def engine_app(request):
    """An app on a fresh database, once per engine (for ledger tests)."""
    if request.param == "postgres":
        request.node.add_marker(pytest.mark.postgres)
    yield from _app(request, request.param)


@pytest.fixture
def postgres_app(request):
    yield from _app(request, "postgres")


def _app(request, engine: str):
    url, holder = _database(request, engine)
    overrides = getattr(request, "param_overrides", {})
    application = make_app(url, **overrides)
    with application.app_context():
        yield application
        from ledger.db import db

        db.session.remove()
        db.engine.dispose()
    holder.drop(url)


@pytest.fixture
def now():
    return NOW


@pytest.fixture
def client(app):
    return app.test_client()
