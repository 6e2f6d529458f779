"""The one JSON error shape under /api (statuses come from `ledger.errors.http_status`)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import jsonify
from flask_smorest import Api
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from ledger.errors import LedgerError, http_status

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
    body: dict[str, Any] = {"code": code, "message": message}
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
    if status == 422:
        details = {"fields": data.get("messages") or data.get("errors") or {}}
        message = "The request does not match the schema; see details.fields."
    elif status == 413:
        message = "The request body is too large."
    elif status == 429:
        message = f"Too many requests ({error.description}); wait and try again."
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
