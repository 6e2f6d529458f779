"""Adapters for chat tools: each request is authenticated by the tool's own signature."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the chat-tool endpoints."""
    from integrations import slack

    app.config.setdefault("BATON_SLACK_SIGNING_SECRET", None)
    app.register_blueprint(slack.bp)
