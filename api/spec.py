"""Complete the OpenAPI document from what the request guard enforces, so the two never drift."""

from __future__ import annotations

from apispec import BasePlugin
from flask import Flask

from api.results import IDEMPOTENCY_HEADER


class IdempotencyKeyPlugin(BasePlugin):
    """Declare the required Idempotency-Key header on every operation marked `@idempotent`."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def operation_helper(self, path=None, operations=None, **kwargs):
        rule = kwargs.get("rule")
        view = self.app.view_functions.get(rule.endpoint) if rule is not None else None
        view_class = getattr(view, "view_class", None)
        if view_class is None:
            return
        for method, operation in (operations or {}).items():
            handler = getattr(view_class, method, None)
            if not getattr(handler, "_baton_idempotent", False):
                continue
            parameters = operation.setdefault("parameters", [])
            if not any(p.get("name") == IDEMPOTENCY_HEADER["name"] for p in parameters):
                parameters.append(dict(IDEMPOTENCY_HEADER))
