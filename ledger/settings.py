"""Settings the services read from the running app (never from a request)."""

from __future__ import annotations

from flask import current_app


def timezone() -> str:
    return current_app.config["BATON_TIMEZONE"]
