"""Render ledger results the one way a first answer and its replay share, and document errors."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, jsonify

from api.errors import ErrorSchema
from ledger.operations import OperationResult

ERROR_DESCRIPTIONS = {
    400: "A body that is not strict JSON (malformed, not UTF-8, a lone surrogate such as "
    "`\\ud800`, NaN, a number of more than 4,300 digits, nesting deeper than 64 levels) or "
    "a missing `Idempotency-Key` (`bad_request`, `idempotency_key_missing`).",
    401: "Missing or invalid credentials (`unauthenticated`, `token_required`).",
    403: "The token lacks the scope or role (`forbidden`, `scope_missing`), or the operation "
    "is the giver's own (`not_the_giver`).",
    404: "No such object within your reach (`not_found`).",
    409: "A conflict with the ledger's state (`already_reversed`, `period_closed`, "
    "`idempotency_in_flight`, ...).",
    413: "The request body is too large (`too_large`).",
    422: "The request breaks the schema or a domain rule (`validation_error`, "
    "`insufficient_allowance`, `idempotency_key_reused`, ...).",
    428: "A commit must name the draft version it pays (`version_required`).",
    429: "Too many requests (`rate_limited`); see `Retry-After`.",
    503: "The database is busy, unavailable or restarting (`busy`); retry after `Retry-After` "
    "seconds (with the same `Idempotency-Key`: nothing was recorded for it).",
}
IDEMPOTENCY_HEADER = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": True,
    "description": "A key of your choice; retry with the same key to get the first answer again.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
}
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}}


def operation_response(result: OperationResult, status: int, **headers: str) -> Response:
    """Render a stored result document; a replay gets the same bytes plus the replay header."""
    response = jsonify(result.document)
    response.status_code = status
    for name, value in headers.items():
        response.headers[name] = value
    if result.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


def found_first(check: Callable[..., None]) -> Callable:
    """Declare `check(**path_arguments)` (which raises NotFound): the API guard runs it right
    after the scope check, so an object out of reach answers 404 before a missing
    Idempotency-Key (400) or a body that breaks the schema (422), as API.md orders them."""

    def mark(view: Callable) -> Callable:
        view._baton_found = check
        return view

    return mark


def documents_errors(bp, *statuses: int) -> Callable:
    """Declare, in the OpenAPI document, every error status an operation can answer."""
    # Every operation reads the database, so any of them answers 503 while it is down.
    statuses = tuple(sorted({*statuses, 503}))

    def decorate(view: Callable) -> Callable:
        for status in statuses:
            extra = {"headers": RETRY_AFTER} if status in (429, 503) else {}
            view = bp.alt_response(
                status, schema=ErrorSchema, description=ERROR_DESCRIPTIONS[status], **extra
            )(view)
        return view

    return decorate
