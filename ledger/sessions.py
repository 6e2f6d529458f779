"""Credentials, passwords and sessions: the web adapter keeps the cookie, this keeps the truth."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import datetime

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import select, update
from werkzeug.security import check_password_hash, generate_password_hash

from ledger import audit
from ledger.db import db, write_transaction
from ledger.errors import NotFound, ValidationFailed
from ledger.models import User
from ledger.operations import Actor, OperationResult, Outcome, run_operation
from ledger.services.access import hash_password

LINK_MAX_AGE_SECONDS = 3 * 24 * 3600

# Checked against when the email is unknown, so both failures take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


def check_credentials(email: str, password: str) -> User | None:
    """Return the active person with this email and password, or None (same cost either way)."""
    user, refusal = _check(email, password)
    return user if refusal is None else None


def sign_in(email: str, password: str, *, now: datetime, actor: Actor, remember: bool = False):
    """Check a password sign-in and audit it either way (the attempted email, never the
    password); return the person, or None."""
    user, refusal = _check(email, password)
    if refusal is None:
        audit.record_alone(
            "sign_in",
            actor=replace(actor, user_id=user.id),
            now=now,
            object_type="user",
            object_id=user.id,
            details={"method": "password", "remember": remember},
        )
        return user
    audit.record_alone(
        "sign_in_failed",
        actor=replace(actor, user_id=None),
        now=now,
        outcome=refusal,
        object_type="user" if user is not None else None,
        object_id=user.id if user is not None else None,
        details={"method": "password", "email": email[:254]},
    )
    return None


def _check(email: str, password: str) -> tuple[User | None, str | None]:
    user = db.session.scalars(select(User).where(User.email == email.strip().lower())).first()
    stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
    valid = check_password_hash(stored, password)
    if user is None:
        return None, "unknown_email"
    if not user.password_hash:
        return user, "no_password"
    if not valid:
        return user, "wrong_password"
    if not user.active:
        return user, "inactive"
    return user, None


def load_session_user(session_id: str) -> User | None:
    """Return the user a session id names, if that session has not been ended."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def end_sessions(user_id: int, *, now: datetime, actor: Actor) -> None:
    """End every session and remember-me cookie of a person by bumping their version."""

    def work():
        db.session.execute(
            update(User)
            .where(User.id == user_id)
            .values(session_version=User.session_version + 1)
            .execution_options(synchronize_session=False)
        )
        audit.record("sign_out", actor=actor, now=now, object_type="user", object_id=user_id)

    write_transaction(work)


def change_password(
    user_id: int, current: str, new: str, *, now: datetime, actor: Actor
) -> OperationResult:
    """Replace a password after checking the current one; every other session ends."""

    def body(ctx):
        user = _active(user_id)
        if not user.password_hash or not check_password_hash(user.password_hash, current):
            raise ValidationFailed("The current password is not right.", field="current")
        _store_password(user.id, new)
        return Outcome({"id": user.id}, "user", user.id)

    return run_operation("change_password", body, now=now, actor=actor)


def password_link(user_id: int) -> str:
    """Return a one-time set-password URL under BATON_BASE_URL for an active person."""
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        raise NotFound("No active person with that id.")
    token = _serializer().dumps({"id": user.id, "fp": _fingerprint(user)})
    base = current_app.config["BATON_BASE_URL"].rstrip("/")
    return f"{base}/set-password/{token}"


def link_user(token: str) -> User | None:
    """Return the person a set-password token names, if it is fresh and still unused."""
    try:
        data = _serializer().loads(token, max_age=LINK_MAX_AGE_SECONDS)
    except BadData:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("id"), int):
        return None
    user = db.session.get(User, data["id"])
    if user is None or not user.active or data.get("fp") != _fingerprint(user):
        return None
    return user


def set_password_by_link(token: str, new: str, *, now: datetime, actor: Actor) -> OperationResult:
    """Set a password through a one-time link; using it changes the fingerprint, so it dies."""

    def body(ctx):
        user = link_user(token)
        if user is None:
            raise NotFound("This link has expired or was already used; ask an admin for a new one.")
        _store_password(user.id, new)
        return Outcome({"id": user.id}, "user", user.id)

    return run_operation("set_password", body, now=now, actor=actor)


def _active(user_id: int) -> User:
    user = db.session.get(User, user_id, populate_existing=True)
    if user is None or not user.active:
        raise NotFound("No active person with that id.")
    return user


def _store_password(user_id: int, new: str) -> None:
    db.session.execute(
        update(User)
        .where(User.id == user_id)
        .values(password_hash=hash_password(new), session_version=User.session_version + 1)
        .execution_options(synchronize_session=False)
    )


def _fingerprint(user: User) -> str:
    material = f"{user.password_hash or ''}:{user.session_version}"
    return hashlib.sha256(material.encode()).hexdigest()[:24]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="baton-set-password")
