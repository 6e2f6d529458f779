"""The one JSON error shape under /api (statuses come from `ledger.errors.http_status`)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import jsonify
from flask_smorest import Api
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from ledger.errors import LedgerError, http_status
from ledger.i18n import N_, Phrase, translated

CODE_BY_STATUS = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    422: "validation_error",
    429: "rate_limited",
    503: "busy",
}
RETRY_AFTER_SECONDS = "1"
# What an HTTP error says when nothing more specific was given (Werkzeug's own descriptions
# are English only).
MESSAGE_BY_STATUS = {
    400: N_("The request is not valid."),
    401: N_("Send a bearer token in the Authorization header."),
    403: N_("You may not do this."),
    404: N_("There is nothing at this address."),
    405: N_("This address does not accept that method; see the Allow header."),
    413: N_("The request body is too large."),
    422: N_("The request does not match the schema; see details.fields."),
    500: N_("Something went wrong on our side; try again later."),
    503: N_("Baton is busy; retry in a moment."),
}


class ErrorBodySchema(ma.Schema):
    code = ma.fields.String(required=True, metadata={"description": "Stable error code."})
    message = ma.fields.String(required=True, metadata={"description": "What went wrong."})
    details = ma.fields.Dict(metadata={"description": "Field errors or the offending item."})


class ErrorSchema(ma.Schema):
    error = ma.fields.Nested(ErrorBodySchema, required=True)


def error_response(
    status: int,
    code: str,
    message: str,
    details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
):
    """Answer in the one error shape; `message` in the request's language, `code` never."""
    body: dict[str, Any] = {"code": code, "message": translated(message)}
    if details:
        body["details"] = details
    response = jsonify({"error": body})
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def ledger_error_response(error: LedgerError, headers: dict[str, str] | None = None):
    """Render a domain refusal; a replay renders the same bytes as the first answer."""
    status = http_status(error.code)
    extra = dict(headers or {})
    if status == 503:
        extra["Retry-After"] = RETRY_AFTER_SECONDS
    if error.replayed:
        extra["Idempotent-Replayed"] = "true"
    return error_response(status, error.code, error.message, error.details or None, extra)


def http_error_response(error: HTTPException):
    """Render any HTTP error (routing, 405, 413, webargs 422, 429) in the one shape."""
    status = error.code or 500
    code = CODE_BY_STATUS.get(status, "internal_error" if status >= 500 else "bad_request")
    data = getattr(error, "data", None) or {}
    headers = dict(data.get("headers") or {})
    details = data.get("details")
    message = error.description or error.name
    if message == type(error).description or status in {413, 422}:
        message = MESSAGE_BY_STATUS.get(status, message)
    if status == 422:
        details = {"fields": data.get("messages") or data.get("errors") or {}}
    elif status == 429:
        message = Phrase(
            "Too many requests ({limit}); wait and try again.", limit=error.description
        )
        headers.setdefault("Retry-After", RETRY_AFTER_SECONDS)
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        headers["Allow"] = ", ".join(sorted(error.valid_methods))
    if status == 503:
        headers.setdefault("Retry-After", RETRY_AFTER_SECONDS)
    if data.get("code"):
        code = data["code"]
    return error_response(status, code, message, details, headers)


class BatonApi(Api):
    """flask-smorest with Baton's error shape; the app-level switch lives in wsgi.py."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        pass  # wsgi.py registers one switch for /api (JSON) and the web (HTML)
