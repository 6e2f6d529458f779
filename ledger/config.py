"""Configuration: defaults, then the instance file, then BATON_* variables, then test_config."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask

MEGABYTE = 1024 * 1024

DEFAULTS: dict[str, Any] = {
    "BATON_ENV": "development",
    "BATON_TIMEZONE": "UTC",
    "BATON_BASE_URL": "http://127.0.0.1:5000",
    "BATON_PROXY_HOPS": 0,
    "BATON_AWARD_RATE_LIMIT": "120 per minute",
    "BATON_LOGIN_RATE_LIMIT_ACCOUNT": "10 per 15 minutes",
    "BATON_LOGIN_RATE_LIMIT_IP": "50 per 15 minutes",
    "BATON_RESET_RATE_LIMIT_ACCOUNT": "3 per hour",
    "BATON_RESET_RATE_LIMIT_IP": "20 per hour",
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_HEADERS_ENABLED": True,
    "MAX_CONTENT_LENGTH": 20 * MEGABYTE,  # the user import; other requests are held to 2 MB
    "BATON_MAX_REQUEST_BYTES": 2 * MEGABYTE,
    "SESSION_COOKIE_NAME": "baton_session",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "REMEMBER_COOKIE_NAME": "baton_remember",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_SECURE": False,
    "REMEMBER_COOKIE_DURATION": 14 * 24 * 3600,
    "WTF_CSRF_TIME_LIMIT": 3600,
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "PASSWORD_HASH_METHOD": "scrypt",
}

# Environment variable -> config key, for the settings whose names differ.
ENV_ALIASES = {
    "BATON_DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "BATON_SECRET_KEY": "SECRET_KEY",
    "BATON_RATELIMIT_STORAGE_URI": "RATELIMIT_STORAGE_URI",
}
INTEGER_SETTINGS = {"BATON_PROXY_HOPS"}


class ConfigurationError(RuntimeError):
    """The app refuses to start with this configuration."""


def load_config(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Fill `app.config` in the documented order and check that it can run."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("baton.cfg", silent=True)
    for name, value in os.environ.items():
        if not name.startswith("BATON_"):
            continue
        key = ENV_ALIASES.get(name, name)
        app.config[key] = int(value) if key in INTEGER_SETTINGS else value
    if test_config:
        app.config.update(test_config)
    _apply_profile(app)
    _check_timezone(app)
    _check_single_sign_on(app)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        path = Path(app.instance_path) / "baton.sqlite3"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"


def is_production(app: Flask) -> bool:
    return app.config["BATON_ENV"] == "production"


def mail_on(app: Flask) -> bool:
    """Tell whether Baton sends notification mail: BATON_MAIL_NOTIFICATIONS, else on in
    development (to the log without SMTP) and on in production exactly when SMTP is set."""
    setting = app.config.get("BATON_MAIL_NOTIFICATIONS")
    if setting in (None, ""):
        return bool(app.config.get("BATON_SMTP_URL")) or not is_production(app)
    return str(setting).strip().lower() in {"1", "true", "yes", "on"}


def _apply_profile(app: Flask) -> None:
    env = app.config["BATON_ENV"]
    if env not in {"development", "production"}:
        raise ConfigurationError(f"BATON_ENV must be development or production, not {env!r}")
    if env == "production":
        if not app.config.get("SECRET_KEY"):
            raise ConfigurationError("BATON_SECRET_KEY must be set in production")
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
        _check_rate_limit_storage(app)
        _check_mail(app)
    else:
        if not app.config.get("SECRET_KEY"):
            app.config["SECRET_KEY"] = _development_secret(Path(app.instance_path))
        if not app.config.get("RATELIMIT_STORAGE_URI"):
            app.config["RATELIMIT_STORAGE_URI"] = "memory://"


def _check_rate_limit_storage(app: Flask) -> None:
    """Refuse per-process rate-limit counters in production unless chosen on purpose."""
    storage = app.config.get("RATELIMIT_STORAGE_URI")
    if not storage:
        # With one counter per worker process, every limit is multiplied by the workers.
        raise ConfigurationError(
            "BATON_RATELIMIT_STORAGE_URI must name a shared store in production, such as "
            "redis://host:6379/0: counters kept in memory multiply every rate limit by the "
            "number of worker processes. Set it to memory:// to accept that on purpose."
        )
    if str(storage).startswith("memory://"):
        app.logger.warning(
            "Rate limits are kept in memory (BATON_RATELIMIT_STORAGE_URI=memory://): "
            "each process counts alone."
        )


def _check_mail(app: Flask) -> None:
    """Refuse mail that could never be sent: a mail feature switched on without SMTP."""
    from ledger.mail.transport import server

    try:
        configured = server(app.config.get("BATON_SMTP_URL"))
    except ValueError as error:
        raise ConfigurationError(str(error)) from None
    if mail_on(app) and configured is None:
        raise ConfigurationError(
            "BATON_MAIL_NOTIFICATIONS is on but BATON_SMTP_URL is not set: set "
            "BATON_SMTP_URL=smtp://user:password@host:587, or BATON_MAIL_NOTIFICATIONS=0."
        )


def _development_secret(instance: Path) -> str:
    """Read or create the development secret key, readable by its owner only."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass  # made earlier, or by a sibling worker a moment ago
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def _check_single_sign_on(app: Flask) -> None:
    from ledger.sso.settings import oidc_problems

    problems = oidc_problems(app.config, production=is_production(app))
    if problems:
        raise ConfigurationError(" ".join(problems))


def _check_timezone(app: Flask) -> None:
    try:
        ZoneInfo(app.config["BATON_TIMEZONE"])
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ConfigurationError(
            f"BATON_TIMEZONE {app.config['BATON_TIMEZONE']!r} is not an IANA time zone"
        ) from error
