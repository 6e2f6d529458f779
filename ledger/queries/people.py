"""Look people up for the adapters."""

from __future__ import annotations

from sqlalchemy import select

from ledger.db import db
from ledger.models import User


def user_by_id(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def user_by_email(email: str) -> User | None:
    return db.session.scalars(select(User).where(User.email == email.strip().lower())).first()
