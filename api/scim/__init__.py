"""SCIM 2.0 provisioning under /scim/v2: its own blueprint (`users.py`), bearer tokens with
the admin scope (`auth.py`), SCIM's error shape (`errors.py`) and scim2-models resources
(`resources.py`). See docs/sign-in.md."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the SCIM blueprint."""
    from api.scim.users import bp

    app.register_blueprint(bp)
