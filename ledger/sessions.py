"""Check credentials and end sessions; the web adapter keeps the cookie, this keeps the truth."""

from __future__ import annotations

from sqlalchemy import select, update
from werkzeug.security import check_password_hash, generate_password_hash

from ledger.db import db, write_transaction
from ledger.models import User

# Checked against when the email is unknown, so both failures take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


def check_credentials(email: str, password: str) -> User | None:
    """Return the active person with this email and password, or None (same cost either way)."""
    user = db.session.scalars(select(User).where(User.email == email.strip().lower())).first()
    stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
    valid = check_password_hash(stored, password)
    if user is None or not user.password_hash or not valid or not user.active:
        return None
    return user


def load_session_user(session_id: str) -> User | None:
    """Return the user a session id names, if that session has not been ended."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def end_sessions(user_id: int) -> None:
    """End every session and remember-me cookie of a person by bumping their version."""

    def work():
        db.session.execute(
            update(User)
            .where(User.id == user_id)
            .values(session_version=User.session_version + 1)
            .execution_options(synchronize_session=False)
        )

    write_transaction(work)
