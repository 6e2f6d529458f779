"""What an operator watches: health and readiness probes, Prometheus metrics, JSON logs."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Give every request an id and a timing, set up logging and register the probes."""
    from ops import logs, observe, views

    logs.init_app(app)
    observe.init_app(app)
    app.register_blueprint(views.bp)
