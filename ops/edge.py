"""What every adapter asks of a request at the edge: is it for the API, how large may it be, how
often may it come (each adapter's rate limiter)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, abort, current_app, request
from flask_limiter import Limiter

API_PREFIX = "/api/"
SCIM_PREFIX = "/scim/"


def is_api_request() -> bool:
    """Tell whether the request is for the REST API (JSON answers) rather than a page."""
    return request.path.startswith(API_PREFIX)


def is_scim_request() -> bool:
    """Tell whether the request is for SCIM provisioning (SCIM's JSON errors, no session)."""
    return request.path.startswith(SCIM_PREFIX)


def large_upload(view: Callable) -> Callable:
    """Mark a view (a function or a MethodView class) that may receive MAX_CONTENT_LENGTH.

    Every other request's body is held to BATON_MAX_REQUEST_BYTES.
    """
    view.large_upload = True
    return view


def limit_request_size() -> None:
    """Refuse a body over the limit before any work; a chunked one is cut at read (413)."""
    if _marked_large(request.endpoint):
        return
    limit = current_app.config["BATON_MAX_REQUEST_BYTES"]
    request.max_content_length = limit
    if request.content_length is not None and request.content_length > limit:
        abort(413)


def _marked_large(endpoint: str | None) -> bool:
    view = current_app.view_functions.get(endpoint) if endpoint else None
    view_class = getattr(view, "view_class", None)
    return bool(getattr(view, "large_upload", False) or getattr(view_class, "large_upload", False))


def app_limiter(app: Flask, name: str, key_func: Callable[[], str]) -> Limiter:
    """Create, attach and register one adapter's rate limiter on the configured storage.

    Each app gets its own limiter, so that test apps never share counters or settings, and
    its keys carry BATON_RATELIMIT_KEY_PREFIX, so that deployments (and test processes)
    sharing one Redis keep apart. The limiter is `app.extensions["baton_<name>_limiter"]`.
    """
    limiter = Limiter(
        key_func=key_func,
        storage_uri=app.config["RATELIMIT_STORAGE_URI"],
        default_limits=[],
        headers_enabled=True,
        key_prefix=f"{app.config.get('BATON_RATELIMIT_KEY_PREFIX', 'baton')}-{name}",
    )
    limiter.init_app(app)
    app.extensions[f"baton_{name}_limiter"] = limiter
    return limiter
