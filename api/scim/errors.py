"""SCIM's own error shape (RFC 7644 §3.12): every refusal under /scim/v2, routing ones too."""

from __future__ import annotations

from flask import Response, json
from pydantic import ValidationError
from scim2_models import Error, SCIMException
from werkzeug.exceptions import HTTPException

from ledger.errors import CannotChangeSelf, LedgerError, NotFound, Taken, http_status

MEDIA_TYPE = "application/scim+json"
RETRY_AFTER_SECONDS = "1"


def scim_json(document: dict, status: int = 200, headers: dict[str, str] | None = None):
    """Answer a SCIM document as application/scim+json."""
    response = Response(json.dumps(document), status=status, mimetype=MEDIA_TYPE)
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def scim_error(status: int, detail: str, scim_type: str | None = None, headers=None):
    """Answer an Error message with its status (a string, as the RFC's examples have it)."""
    error = Error(status=status, scim_type=scim_type, detail=detail)
    return scim_json(error.model_dump(exclude_none=True), status, headers)


def from_scim_exception(error: SCIMException):
    body = error.to_error()
    return scim_error(error.status, body.detail or str(error), body.scim_type)


def from_validation_error(error: ValidationError):
    """Name the first problem pydantic (scim2-models) found, with its SCIM type if it has one."""
    first = error.errors()[0]
    kind = str(first.get("type", ""))
    scim_type = kind[len("scim_") :] if kind.startswith("scim_") else "invalidValue"
    where = ".".join(str(part) for part in first.get("loc", ()))
    detail = f"{where}: {first.get('msg')}" if where else str(first.get("msg"))
    return scim_error(400, detail, scim_type)


def from_ledger_error(error: LedgerError):
    """Map a directory refusal: a taken email or employee number is `uniqueness` (409)."""
    if isinstance(error, Taken):
        return scim_error(409, error.message, "uniqueness")
    if isinstance(error, NotFound):
        return scim_error(404, error.message)
    if isinstance(error, CannotChangeSelf):
        return scim_error(409, error.message, "mutability")
    status = http_status(error.code)
    if status >= 500:
        return scim_error(503, error.message, headers={"Retry-After": RETRY_AFTER_SECONDS})
    return scim_error(400, error.message, "invalidValue")


def from_http_error(error: HTTPException):
    """Routing errors, 405, 413 and 429 in SCIM's shape (an unknown path is a JSON 404)."""
    status = error.code or 500
    headers = {}
    if status == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(sorted(error.valid_methods))
    if status in (429, 503):
        headers["Retry-After"] = RETRY_AFTER_SECONDS
    detail = {404: "No such SCIM resource or endpoint."}.get(status, error.description or "")
    return scim_error(status, detail or error.name, headers=headers)
