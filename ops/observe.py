"""Per request: an id (echoed as X-Request-Id), a latency observation and one log line."""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, request
from prometheus_client import Histogram

# A proxy's or client's id is kept only when it is short and plainly printable.
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
LATENCY = Histogram(
    "baton_http_request_duration_seconds",
    "Time to answer an HTTP request, by Flask endpoint, method and status.",
    ["endpoint", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
log = logging.getLogger("baton.request")
REQUEST_ID_KEY = "baton.request_id"
STARTED_KEY = "baton.started"


def current_request_id() -> str:
    """Return this request's id: the caller's X-Request-Id if well-formed, else a new one."""
    # Kept in the WSGI environ, which lives exactly as long as the request (g lives as long
    # as the app context, which a test or a CLI command may share across requests).
    environ = request.environ
    if REQUEST_ID_KEY not in environ:
        offered = request.headers.get("X-Request-Id", "")
        environ[REQUEST_ID_KEY] = offered if REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex
    return environ[REQUEST_ID_KEY]


def init_app(app: Flask) -> None:
    """Time every request and tag it with its id; registered before every other hook."""
    app.before_request(_start)
    app.after_request(_finish)


def _start() -> None:
    request.environ[STARTED_KEY] = time.perf_counter()
    current_request_id()


def _finish(response):
    response.headers["X-Request-Id"] = current_request_id()
    started = request.environ.get(STARTED_KEY)
    if started is None:
        return response
    elapsed = time.perf_counter() - started
    # Unknown URLs share one label so that scanners cannot grow the series without bound.
    endpoint = request.endpoint or "unmatched"
    LATENCY.labels(endpoint, request.method, str(response.status_code)).observe(elapsed)
    # The route, not the URL: a path (/set-password/<token>) or a query string may carry a
    # secret that must never reach a log.
    route = request.url_rule.rule if request.url_rule else "unmatched"
    log.info(
        "%s %s %s",
        request.method,
        route,
        response.status_code,
        extra={
            "method": request.method,
            "route": route,
            "status": response.status_code,
            "duration_ms": round(elapsed * 1000, 1),
            "endpoint": endpoint,
        },
    )
    return response
