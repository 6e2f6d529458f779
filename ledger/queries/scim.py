"""The people an identity provider sees over SCIM: persons it has not deleted, by id."""

from __future__ import annotations

from sqlalchemy import func, select

from ledger.db import db
from ledger.models import User

# The attributes a SCIM filter may compare, and the column each one is.
FILTERABLE = {"username": User.email, "emails.value": User.email,
              "externalid": User.scim_external_id}  # fmt: skip


def _visible():
    return select(User).where(User.kind == "person", User.scim_deleted_at.is_(None))


def scim_person(user_id: int) -> User | None:
    """Return the person with this id unless they are a bot, a service or deleted by SCIM."""
    return db.session.scalars(_visible().where(User.id == user_id)).first()


def scim_people(
    *, attribute: str | None = None, value: str | None = None, start: int = 1, count: int = 100
) -> tuple[int, list[User]]:
    """Return how many people match `attribute eq value` (all without one) and the page of
    them from the 1-based `start`, `count` long, in id order."""
    query = _visible()
    if attribute is not None:
        column = FILTERABLE[attribute]
        # Emails are stored lower-cased, and SCIM compares userName case-insensitively.
        query = query.where(column == (value.lower() if column is User.email else value))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = db.session.scalars(query.order_by(User.id).offset(start - 1).limit(count)).all()
    return total, list(page)
