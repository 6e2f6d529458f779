"""The HTML adapter: login, the award form, feed, leaderboard, bonus runs and admin pages."""

from __future__ import annotations

import secrets

from flask import Flask, g, redirect, request, url_for
from flask_babel import gettext
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect

from ledger.i18n import N_
from ledger.sessions import load_session_user
from ops.edge import is_api_request, is_scim_request
from ops.views import PUBLIC_ENDPOINTS as OPS_ENDPOINTS
from web.text import refuse_unreadable_query

login_manager = LoginManager()
csrf = CSRFProtect()

# Endpoints that authenticate each request themselves (no session, no CSRF token), with why.
SELF_AUTHENTICATED = {
    "slack.commands": "Slack signs each request with the signing secret",
    "unsubscribe.confirm": "the link carries a token signed with the secret key (RFC 8058)",
}
# The only pages open without a session; every other page needs one (deny by default).
PUBLIC_ENDPOINTS = frozenset(
    {
        "auth.login",
        "auth.forgot_password",
        "auth.set_password",
        "sso.start",
        "sso.callback",
        "static",
        *OPS_ENDPOINTS,
        *SELF_AUTHENTICATED,
    }
)


def init_app(app: Flask) -> None:
    """Wire sessions, CSRF, security headers and the web blueprints."""
    from web import i18n, limits, oidc, scopes, views
    from web.views import auth, bonus, pages, sso, tokens

    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    i18n.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = N_("Log in to continue.")
    login_manager.localize_callback = gettext
    login_manager.session_protection = None  # "strong" trusts X-Forwarded-For; versions do the job
    login_manager.user_loader(load_session_user)
    csrf.init_app(app)
    app.before_request(_require_login)
    app.before_request(_protect_forms)
    app.before_request(refuse_unreadable_query)
    app.after_request(_security_headers)
    app.context_processor(lambda: {"csp_nonce": _csp_nonce})
    app.register_blueprint(auth.bp)
    oidc.init_app(app)
    app.register_blueprint(sso.bp)
    app.register_blueprint(tokens.bp)
    limits.init_app(app)
    app.register_blueprint(pages.bp)
    views.init_app(app)
    scopes.init_app(app)
    app.register_blueprint(bonus.bp)


def _require_login():
    if is_api_request() or is_scim_request() or request.endpoint is None:
        return None  # the API and SCIM guard themselves; unknown URLs get the 404 page
    if request.endpoint in PUBLIC_ENDPOINTS or current_user.is_authenticated:
        return None
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _protect_forms() -> None:
    # The API refuses cookie-only writes itself; bearer requests carry no ambient credential.
    if request.method in {"GET", "HEAD", "OPTIONS"} or is_api_request() or is_scim_request():
        return
    if request.endpoint not in SELF_AUTHENTICATED:
        csrf.protect()


def _csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def _security_headers(response):
    nonce = g.get("csp_nonce")
    script = f"'self' 'nonce-{nonce}'" if nonce else "'self'"
    response.headers.setdefault(
        "Content-Security-Policy",
        f"default-src 'self'; script-src {script}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'none'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    # Pages, CSV downloads and every API answer hold people's data: no cache may keep them.
    if response.mimetype in {"text/html", "text/csv"} or is_api_request():
        response.headers.setdefault("Cache-Control", "no-store")
    from flask import current_app

    if current_app.config["BATON_ENV"] == "production":
        response.headers.setdefault(
            "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
        )
    return response
