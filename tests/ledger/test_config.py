"""The configuration profiles and the headers every answer carries."""

import logging
import os
import stat

import pytest

from ledger.config import ConfigurationError
from tests.factories import make_app, make_user


def test_production_refuses_to_start_without_a_secret_key(sqlite_template, monkeypatch):
    monkeypatch.delenv("BATON_SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="BATON_SECRET_KEY"):
        make_app(sqlite_template.new_database(), BATON_ENV="production", SECRET_KEY=None)


def test_production_warns_when_rate_limits_live_in_memory(sqlite_template, caplog):
    with caplog.at_level(logging.WARNING):
        make_app(sqlite_template.new_database(), BATON_ENV="production")
    assert "Rate limits are kept in memory" in caplog.text


def test_an_unknown_time_zone_is_refused(sqlite_template):
    with pytest.raises(ConfigurationError, match="IANA"):
        make_app(sqlite_template.new_database(), BATON_TIMEZONE="Mars/Olympus")


def test_development_generates_a_secret_readable_by_its_owner_only(sqlite_template, tmp_path):
    from wsgi import create_app

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": sqlite_template.new_database(),
            "SECRET_KEY": None,
            "TESTING": True,
        }
    )
    path = app.instance_path + "/secret_key"
    assert app.config["SECRET_KEY"]
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_every_page_carries_the_security_headers(client):
    response = client.get("/login")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src")[0]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    api = client.get("/api/v1/openapi.json")
    assert api.headers["X-Content-Type-Options"] == "nosniff"


def test_forms_need_their_csrf_token(app, client):
    make_user("ann@example.com", password="correct horse battery")
    response = client.post(
        "/login", data={"email": "ann@example.com", "password": "correct horse battery"}
    )
    assert response.status_code == 400


def test_request_size_limits_are_set(app):
    assert app.config["MAX_CONTENT_LENGTH"] == 20 * 1024 * 1024
    assert app.config["BATON_MAX_REQUEST_BYTES"] == 2 * 1024 * 1024


def test_production_hashes_passwords_with_scrypt(sqlite_template):
    app = make_app(sqlite_template.new_database(), PASSWORD_HASH_METHOD="scrypt")
    with app.app_context():
        person = make_user("ann@example.com", password="correct horse battery")
        assert person.password_hash.startswith("scrypt:")
        from ledger.db import db

        db.session.remove()
        db.engine.dispose()


def test_the_default_hash_method_is_scrypt():
    from ledger.config import DEFAULTS

    # Tests use a cheap hash (tests/factories.py); the app's own default must stay scrypt.
    assert DEFAULTS["PASSWORD_HASH_METHOD"] == "scrypt"
