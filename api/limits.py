"""The per-principal award rate under /api (its own Flask-Limiter); body sizes: ops/edge.py."""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import Flask, current_app, g, request
from flask_limiter import Limiter

EXTENSION = "baton_award_limiter"


def init_app(app: Flask) -> None:
    """Create this app's award limiter on the configured storage (passed explicitly)."""
    app.config.setdefault("BATON_AWARD_RATE_LIMIT", "120 per minute")
    limiter = Limiter(
        key_func=_principal_key,
        storage_uri=app.config["RATELIMIT_STORAGE_URI"],
        default_limits=[],
        headers_enabled=True,
        # Deployments sharing one Redis keep apart by BATON_RATELIMIT_KEY_PREFIX.
        key_prefix=f"{app.config.get('BATON_RATELIMIT_KEY_PREFIX', 'baton')}-awards",
    )
    limiter.init_app(app)
    app.extensions[EXTENSION] = limiter


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
