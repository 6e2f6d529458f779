"""Login rate limits: per account and per client address, on the configured shared storage."""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_limiter.util import get_remote_address

from ops.edge import app_limiter


def init_app(app: Flask) -> None:
    """Create this app's web limiter and wrap the login and password-reset views in their limits."""
    limiter = app_limiter(app, "web", get_remote_address)
    # Only failed attempts count, so people who log in successfully are never locked out.
    failed = dict(methods=["POST"], deduct_when=lambda response: response.status_code == 401)
    view = app.view_functions["auth.login"]
    view = limiter.limit(_account_limit, key_func=_account_key, scope="login-account", **failed)(
        view
    )
    # The address comes from ProxyFix with BATON_PROXY_HOPS, never from a raw header.
    view = limiter.limit(_address_limit, key_func=get_remote_address, scope="login-ip", **failed)(
        view
    )
    app.view_functions["auth.login"] = view
    # Every reset request counts (known address or not): a mailbox cannot be flooded and
    # the limit answers the same for every address.
    reset = app.view_functions["auth.forgot_password"]
    reset = limiter.limit(_reset_account_limit, key_func=_account_key, scope="reset-account",
                          methods=["POST"])(reset)  # fmt: skip
    reset = limiter.limit(_reset_address_limit, key_func=get_remote_address, scope="reset-ip",
                          methods=["POST"])(reset)  # fmt: skip
    app.view_functions["auth.forgot_password"] = reset


def _account_limit() -> str:
    return current_app.config["BATON_LOGIN_RATE_LIMIT_ACCOUNT"]


def _address_limit() -> str:
    return current_app.config["BATON_LOGIN_RATE_LIMIT_IP"]


def _reset_account_limit() -> str:
    return current_app.config["BATON_RESET_RATE_LIMIT_ACCOUNT"]


def _reset_address_limit() -> str:
    return current_app.config["BATON_RESET_RATE_LIMIT_IP"]


def _account_key() -> str:
    return "account:" + (request.form.get("email") or "").strip().lower()[:254]
