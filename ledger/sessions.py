"""Credentials, passwords and sessions: the web adapter keeps the cookie, this keeps the truth."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from sqlalchemy import select, update
from werkzeug.security import check_password_hash, generate_password_hash

from ledger import audit
from ledger.db import db, write_transaction
from ledger.errors import NotFound, ValidationFailed
from ledger.i18n import N_
from ledger.models import PasswordLink, User
from ledger.operations import Actor, OperationResult, Outcome, run_operation
from ledger.services.access import hash_password

# Checked against when the email is unknown, so both failures take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


def check_credentials(email: str, password: str) -> User | None:
    """Return the active person with this email and password, or None (same cost either way)."""
    user, refusal = _check(email, password)
    return user if refusal is None else None


def sign_in(
    email: str,
    password: str,
    *,
    now: datetime,
    actor: Actor,
    remember: bool = False,
    allowed: Callable[[str, str], bool] | None = None,
):
    """Check a password sign-in and audit it either way (the attempted email, never the
    password); return the person, or None. `allowed(email, role)` may narrow who may use a
    password at all (single sign-on only, but for the break-glass admins)."""
    user, refusal = _check(email, password)
    if refusal is None and allowed is not None and not allowed(user.email, user.role):
        refusal = "sso_only"
    if refusal is None:
        signed_in(user.id, "password", now=now, actor=actor, remember=remember)
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


def signed_in(user_id: int, method: str, *, now: datetime, actor: Actor, **details) -> None:
    """Record a successful sign-in (any method): the audit row and the person's last sign-in."""

    def work():
        db.session.execute(
            update(User)
            .where(User.id == user_id)
            .values(signed_in_at=now)
            .execution_options(synchronize_session=False)
        )
        audit.record(
            "sign_in",
            actor=replace(actor, user_id=user_id),
            now=now,
            object_type="user",
            object_id=user_id,
            details={"method": method, **details},
        )

    write_transaction(work)


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
            raise ValidationFailed(N_("The current password is not right."), field="current")
        store_password(user.id, new, now)
        return Outcome({"id": user.id}, "user", user.id)

    return run_operation("change_password", body, now=now, actor=actor)


def _active(user_id: int) -> User:
    user = db.session.get(User, user_id, populate_existing=True)
    if user is None or not user.active:
        raise NotFound(N_("No active person with that id."))
    return user


def store_password(user_id: int, new: str, now: datetime) -> None:
    """Replace a password inside the caller's transaction: every session and every open
    invitation or reset link of the person ends with it."""
    db.session.execute(
        update(User)
        .where(User.id == user_id)
        .values(password_hash=hash_password(new), session_version=User.session_version + 1)
        .execution_options(synchronize_session=False)
    )
    revoke_open_links(user_id, now)


def revoke_open_links(user_id: int, now: datetime) -> None:
    """End every open invitation or reset link of a person, inside the caller's transaction."""
    db.session.execute(
        update(PasswordLink)
        .where(
            PasswordLink.user_id == user_id,
            PasswordLink.used_at.is_(None),
            PasswordLink.revoked_at.is_(None),
        )
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
