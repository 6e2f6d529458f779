"""The per-principal award rate under /api (its own Flask-Limiter); body sizes: ops/edge.py."""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import Flask, current_app, g, request
from flask_limiter import Limiter

from ops.edge import app_limiter

EXTENSION = "baton_awards_limiter"  # made by ops.edge.app_limiter


def init_app(app: Flask) -> None:
    """Create this app's award limiter on the configured storage (passed explicitly)."""
    app.config.setdefault("BATON_AWARD_RATE_LIMIT", "120 per minute")
    app_limiter(app, "awards", _principal_key)


def award_rate_limit(view: Callable) -> Callable:
    """Count the call against its principal's award limit before the body is even parsed."""

    @functools.wraps(view)
    def limited(*args, **kwargs):
        limiter: Limiter = current_app.extensions[EXTENSION]
        with limiter.limit(lambda: current_app.config["BATON_AWARD_RATE_LIMIT"], scope="awards"):
            return view(*args, **kwargs)

    return limited


def _principal_key() -> str:
    found = g.get("principal")
    return found.name if found is not None else (request.remote_addr or "unknown")
