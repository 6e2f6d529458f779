"""The JSON adapter: REST API v1 under /api/v1."""

from __future__ import annotations

from flask import Flask

from api.errors import BatonApi

rest = BatonApi()


def init_app(app: Flask) -> None:
    """Configure flask-smorest and register every API blueprint."""
    from api import auth, meta

    app.config.setdefault("API_TITLE", "Baton")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    rest.init_app(app)
    auth.init_app(app)
    rest.register_blueprint(meta.bp, url_prefix="/api/v1")
