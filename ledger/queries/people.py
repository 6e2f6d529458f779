"""Look people up for the adapters: one person, the directory listing, departments."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from ledger.db import db
from ledger.errors import ValidationFailed
from ledger.models import Department, User

MAX_LIMIT = 500


def user_by_id(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def user_by_email(email: str) -> User | None:
    return db.session.scalars(select(User).where(User.email == email.strip().lower())).first()


def user_document(user: User, manager: User | None = None) -> dict[str, Any]:
    """Describe a person as the directory shows them."""
    manager = manager if manager is not None else user.manager
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "employee_number": user.employee_number,
        "department": (
            {"id": user.department.id, "name": user.department.name} if user.department else None
        ),
        "manager": manager.reference() if manager is not None else None,
        "role": user.role,
        "kind": user.kind,
        "active": user.active,
        "slack_user_id": user.slack_user_id,
    }


def list_users(
    *,
    q: str | None = None,
    department_id: int | None = None,
    manager_id: int | None = None,
    active: bool | None = None,
    limit: int = 50,
    cursor: str | None = None,
    after: tuple[str, int] | None = None,
) -> dict[str, Any]:
    """Return a page of the directory ordered by name then id, with the next page's cursor.

    Page on with `cursor` (as returned) or `after` (the last item's name and id).
    """
    manager = aliased(User)
    query = select(User, manager).outerjoin(manager, manager.id == User.manager_id)
    if q:
        pattern = "%" + q.strip().lower().replace("%", r"\%").replace("_", r"\_") + "%"
        query = query.where(
            or_(
                func.lower(User.name).like(pattern, escape="\\"),
                User.email.like(pattern, escape="\\"),
            )
        )
    if department_id is not None:
        query = query.where(User.department_id == department_id)
    if manager_id is not None:
        query = query.where(User.manager_id == manager_id)
    if active is not None:
        query = query.where(User.active.is_(active))
    if cursor:
        after = _decode(cursor)
    if after is not None:
        name, last_id = after
        query = query.where(or_(User.name > name, and_(User.name == name, User.id > last_id)))
    limit = max(1, min(limit, MAX_LIMIT))
    rows = db.session.execute(query.order_by(User.name, User.id).limit(limit + 1)).all()
    items = [user_document(user, person) for user, person in rows[:limit]]
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1][0]
        next_cursor = _encode(last.name, last.id)
    return {"items": items, "next_cursor": next_cursor}


def departments() -> list[dict[str, Any]]:
    """Return every department with the number of active people in it."""
    counts = (
        select(User.department_id, func.count().label("head_count"))
        .where(User.active.is_(True))
        .group_by(User.department_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Department.id, Department.name, func.coalesce(counts.c.head_count, 0))
        .outerjoin(counts, counts.c.department_id == Department.id)
        .order_by(Department.name, Department.id)
    ).all()
    return [{"id": row[0], "name": row[1], "head_count": row[2]} for row in rows]


def _encode(name: str, user_id: int) -> str:
    raw = json.dumps([name, user_id], ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> tuple[str, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        name, user_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as error:
        raise ValidationFailed("The cursor is not one this server gave.", field="cursor") from error
    if not isinstance(name, str) or not isinstance(user_id, int) or isinstance(user_id, bool):
        raise ValidationFailed("The cursor is not one this server gave.", field="cursor")
    return name, user_id
