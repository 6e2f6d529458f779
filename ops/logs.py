"""Logging: one JSON object per line with the request id in production, plain text otherwise."""

from __future__ import annotations

import logging
import sys

from flask import Flask, has_request_context
from flask.logging import default_handler
from pythonjsonlogger.json import JsonFormatter

from ledger.config import ConfigurationError
from ops.observe import current_request_id

HANDLER_NAME = "baton"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
BATON_LOGGERS = ("baton", "ledger", "api", "web", "ops")


class RequestIdFilter(logging.Filter):
    """Stamp each record with the id of the request being served, or '-' outside one."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() if has_request_context() else "-"
        return True


class StderrHandler(logging.StreamHandler):
    """Write to whatever sys.stderr is now, so a replaced stream is never written after close."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def log_format(app: Flask) -> str:
    """Return `json` or `text`: BATON_LOG_FORMAT, else JSON in production only."""
    chosen = app.config.get("BATON_LOG_FORMAT")
    if chosen:
        return str(chosen)
    return "json" if app.config["BATON_ENV"] == "production" else "text"


def formatter_for(kind: str) -> logging.Formatter:
    """Build the formatter for `json` or `text` logs."""
    if kind == "json":
        # JSON escapes CR and LF, so text from a request can never start a forged line.
        return JsonFormatter(
            "{asctime}{levelname}{name}{request_id}{message}",
            style="{",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    return logging.Formatter(TEXT_FORMAT)


def init_app(app: Flask) -> None:
    """Send every record to stderr through one root handler in the configured format."""
    kind = log_format(app)
    if kind not in {"json", "text"}:
        raise ConfigurationError(f"BATON_LOG_FORMAT must be json or text, not {kind!r}")
    handler = StderrHandler()
    handler.name = HANDLER_NAME
    handler.setFormatter(formatter_for(kind))
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    # One handler per process, replaced when another app is created (as tests do).
    for existing in [h for h in root.handlers if h.name == HANDLER_NAME]:
        root.removeHandler(existing)
    root.addHandler(handler)
    level = app.config.get("BATON_LOG_LEVEL", "INFO")
    for name in (*BATON_LOGGERS, app.logger.name):
        logging.getLogger(name).setLevel(level)
    # Flask's own handler would print each app record a second time, unformatted.
    app.logger.removeHandler(default_handler)
