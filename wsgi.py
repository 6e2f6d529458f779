"""The composition root: build the Baton app from its parts."""

from __future__ import annotations

from typing import Any

from flask import Flask, Request, request
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.utils import cached_property
from werkzeug.wsgi import LimitedStream

import api
import integrations
import ledger
import ops
import web
from api.errors import http_error_response, ledger_error_response
from api.scim import init_app as init_scim
from api.scim.errors import from_http_error, from_ledger_error
from ledger.config import load_config
from ledger.db import discard_session, is_unavailable
from ledger.errors import DatabaseUnavailable, LedgerError
from ops.edge import is_api_request, is_scim_request, limit_request_size
from web.errors import html_error, html_ledger_error


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create and wire a Baton app; `test_config` overrides every other setting."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        static_folder="web/static",
        template_folder="web/templates",
    )
    app.request_class = BodyLimitedRequest
    load_config(app, test_config)
    hops = int(app.config["BATON_PROXY_HOPS"])
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    ops.init_app(app)  # first: every request, even a refused one, gets an id and a timing
    # Then refuse a large body before any work; views marked @large_upload may take 20 MB.
    app.before_request(limit_request_size)
    # Registered before the blueprints so that it runs after them, once the rate limiters
    # have added their headers.
    app.after_request(_retry_after_only_on_refusals)
    ledger.init_app(app)
    api.init_app(app)
    init_scim(app)
    web.init_app(app)
    integrations.init_app(app)
    _register_error_switch(app)
    return app


class _StrictLimitedStream(LimitedStream):
    """A streamed body that raises 413 when more than its limit is sent, even on read()."""

    def __init__(self, stream, limit: int) -> None:
        super().__init__(stream, limit, is_max=True)
        self._source = stream

    def readall(self) -> bytes:
        data = super().readall()
        # Werkzeug's readall stops quietly at the limit: a longer body would be cut short.
        if self.is_exhausted and self._source.read(1):
            self.on_exhausted()
        return data


class BodyLimitedRequest(Request):
    """A request whose chunked body (no Content-Length) is held to max_content_length."""

    @cached_property
    def stream(self):
        limit = self.max_content_length
        streamed = self.content_length is None and "wsgi.input_terminated" in self.environ
        if self.shallow or not streamed or limit is None:
            return super().stream
        return _StrictLimitedStream(self.environ["wsgi.input"], limit)


def _retry_after_only_on_refusals(response):
    # Flask-Limiter adds Retry-After to every answer under a limit; only 429 and 503 ask to wait.
    if response.status_code not in {429, 503}:
        response.headers.pop("Retry-After", None)
    return response


def _register_error_switch(app: Flask) -> None:
    """Answer errors under /api/ in the JSON shape, under /scim/ in SCIM's, and everywhere
    else as an HTML page."""

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if is_scim_request():
            return from_http_error(error)
        return http_error_response(error) if is_api_request() else html_error(error)

    @app.errorhandler(LedgerError)
    def ledger_error(error: LedgerError):
        if is_scim_request():
            return from_ledger_error(error)
        return ledger_error_response(error) if is_api_request() else html_ledger_error(error)

    @app.errorhandler(DBAPIError)
    @app.errorhandler(PoolTimeout)
    def database_error(error: Exception):
        if not is_unavailable(error):
            raise error  # a bug, not an outage: the 500 handler logs it
        # Transient: the operation's transaction was rolled back, so the key stays unused.
        app.logger.warning("Database unavailable on %s %s: %s", request.method, request.path,
                           getattr(error, "orig", error))  # fmt: skip
        discard_session()
        busy = DatabaseUnavailable()
        if is_scim_request():
            return from_ledger_error(busy)
        return ledger_error_response(busy) if is_api_request() else html_ledger_error(busy)

    @app.errorhandler(InternalServerError)
    def internal_error(error: InternalServerError):
        app.logger.error("Unhandled error on %s %s", request.method, request.path)
        if is_scim_request():
            return from_http_error(error)
        return http_error_response(error) if is_api_request() else html_error(error)


app = create_app()
