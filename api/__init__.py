"""The JSON adapter: REST API v1 under /api/v1."""

from __future__ import annotations

from flask import Flask

from api.errors import BatonApi
from api.parsing import StrictJSONProvider
from api.spec import DESCRIPTION, IdempotencyKeyPlugin, MinPropertiesPlugin

rest = BatonApi()


def init_app(app: Flask) -> None:
    """Configure flask-smorest and register every API blueprint."""
    from api import (
        audit,
        auth,
        awards,
        balances,
        bonus_runs,
        insights,
        leaderboard,
        ledger_admin,
        limits,
        meta,
        recognition,
        requests,
        users,
        webhooks,
    )

    app.json = StrictJSONProvider(app)
    app.config.setdefault("API_TITLE", "Baton")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("OPENAPI_SWAGGER_UI_PATH", "docs")
    app.config.setdefault("OPENAPI_SWAGGER_UI_URL", "/static/vendor/swagger-ui-dist-5.35.0/")
    app.config.setdefault(
        "API_SPEC_OPTIONS",
        {
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearer": []}],
            "info": {"description": DESCRIPTION},
        },
    )
    rest.init_app(
        app, spec_kwargs={"extra_plugins": [IdempotencyKeyPlugin(app), MinPropertiesPlugin()]}
    )
    auth.init_app(app)
    rest.register_blueprint(meta.bp, url_prefix="/api/v1")
    limits.init_app(app)
    for blueprint in (awards.bp, balances.bp, leaderboard.bp, ledger_admin.bp, users.bp):
        rest.register_blueprint(blueprint, url_prefix="/api/v1")
    rest.register_blueprint(bonus_runs.bp, url_prefix="/api/v1")
    rest.register_blueprint(webhooks.bp, url_prefix="/api/v1")
    rest.register_blueprint(audit.bp, url_prefix="/api/v1")
    rest.register_blueprint(insights.bp, url_prefix="/api/v1")
    rest.register_blueprint(recognition.bp, url_prefix="/api/v1")
    rest.register_blueprint(requests.bp, url_prefix="/api/v1")
