"""Signed one-click unsubscribe links (RFC 8058): the link itself names the person and kind.

The token is an itsdangerous signature over (person id, kind) with the app's secret key, so
it cannot be forged or changed to another person; it does not expire, as a mail read months
later must still be able to stop its kind. Rotating BATON_SECRET_KEY voids every link.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from ledger.db import db
from ledger.models import User
from ledger.operations import Actor, OperationResult
from ledger.preferences import change_settings

# The kinds of mail a link can stop (in-app notices are not mail).
MAIL_KINDS = ("award_mail", "digest", "webhook_mail")
SALT = "baton.unsubscribe"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def token_for(user_id: int, kind: str) -> str:
    if kind not in MAIL_KINDS:
        raise ValueError(f"no unsubscribe link for {kind!r}")
    return _serializer().dumps([user_id, kind])


def read_token(token: str) -> tuple[int, str] | None:
    """Return (person id, kind) from a link, or None for a forged, changed or odd token."""
    try:
        value = _serializer().loads(token)
    except BadSignature:
        return None
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not isinstance(value[0], int)
        or isinstance(value[0], bool)
        or value[1] not in MAIL_KINDS
    ):
        return None
    return value[0], value[1]


def person_for(token: str) -> tuple[int, str, str] | None:
    """Return (person id, name, kind) a link names, or None for a bad link or unknown person."""
    found = read_token(token)
    person = db.session.get(User, found[0]) if found else None
    return (person.id, person.name, found[1]) if person else None


def link_for(user_id: int, kind: str) -> str:
    base = str(current_app.config["BATON_BASE_URL"]).rstrip("/")
    return f"{base}/unsubscribe/{token_for(user_id, kind)}"


def unsubscribe(
    user_id: int, kind: str, *, now: datetime, request_id: str | None
) -> OperationResult:
    """Turn one kind of mail off for the person the link names (the person acts)."""
    return change_settings(
        user_id, {kind: False}, now=now, actor=Actor(user_id, request_id=request_id)
    )
