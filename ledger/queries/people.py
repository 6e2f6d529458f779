"""Look people up: one person, the directory listing, the picker, departments, their figures."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from ledger.db import db
from ledger.errors import ValidationFailed
from ledger.i18n import N_
from ledger.models import AwardLine, Department, Reversal, User
from ledger.rules import DIRECTIONS
from ledger.text import check_text, storable

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
        check_text(q, "q")
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
        raise ValidationFailed(
            N_("The cursor is not one this server gave."), field="cursor"
        ) from error
    if not isinstance(name, str) or not isinstance(user_id, int) or isinstance(user_id, bool):
        raise ValidationFailed(N_("The cursor is not one this server gave."), field="cursor")
    if not storable(name):
        raise ValidationFailed(N_("The cursor is not one this server gave."), field="cursor")
    return name, user_id


def people_search(query: str | None = None, *, limit: int = 500) -> list[dict]:
    """Return active people who can receive points, matching a name, email or department."""
    statement = (
        select(User)
        .outerjoin(Department, Department.id == User.department_id)
        .where(User.active.is_(True), User.kind == "person")
        .order_by(User.name, User.id)
        .limit(limit)
    )
    text = (query or "").strip().lower()
    check_text(text, "q")
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_") + "%"
        statement = statement.where(
            or_(
                func.lower(User.name).like(pattern, escape="\\"),
                User.email.like(pattern, escape="\\"),
                func.lower(Department.name).like(pattern, escape="\\"),
            )
        )
    return [_person(user) for user in db.session.scalars(statement)]


def _person(user: User) -> dict:
    return {
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "department": user.department.name if user.department else None,
    }


def person_figures(user_id: int) -> dict:
    """Return what a person received and gave (reversed awards left out) and their mix."""
    live = Reversal.id.is_(None)

    def totals(column):
        row = db.session.execute(
            select(
                func.coalesce(func.sum(AwardLine.points), 0),
                func.count(func.distinct(AwardLine.award_id)),
                func.count(func.distinct(AwardLine.giver_id)),
                func.count(func.distinct(AwardLine.recipient_id)),
            )
            .outerjoin(Reversal, Reversal.award_id == AwardLine.award_id)
            .where(column == user_id, live)
        ).one()
        return {"points": int(row[0]), "awards": row[1], "givers": row[2], "recipients": row[3]}

    return {
        "received": totals(AwardLine.recipient_id),
        "given": totals(AwardLine.giver_id),
        "mix_received": _mix(AwardLine.recipient_id, user_id),
        "mix_given": _mix(AwardLine.giver_id, user_id),
    }


def _mix(column, user_id: int) -> list[dict]:
    """Points by service kind and direction, one row per kind, largest first."""
    rows = db.session.execute(
        select(AwardLine.service_kind, AwardLine.direction, func.sum(AwardLine.points))
        .outerjoin(Reversal, Reversal.award_id == AwardLine.award_id)
        .where(column == user_id, Reversal.id.is_(None))
        .group_by(AwardLine.service_kind, AwardLine.direction)
    ).all()
    kinds: dict[str, dict] = {}
    for kind, direction, points in rows:
        entry = kinds.setdefault(kind, {"kind": kind, **dict.fromkeys(DIRECTIONS, 0), "total": 0})
        entry[direction] += int(points)
        entry["total"] += int(points)
    return sorted(kinds.values(), key=lambda entry: (-entry["total"], entry["kind"]))


def employee_numbers(user_ids: list[int]) -> dict[int, str]:
    """Return each person's HR employee number, or their Baton id where HR gave none."""
    rows = db.session.execute(
        select(User.id, User.employee_number).where(User.id.in_(user_ids))
    ).all()
    return {row.id: row.employee_number or str(row.id) for row in rows}


_NEVER_SIGNED_IN = (User.active.is_(True), User.kind == "person", User.signed_in_at.is_(None))


def never_signed_in(emails: list[str] | None = None) -> list[User]:
    """Return the active people who have never signed in (among `emails` when given)."""
    query = select(User).where(*_NEVER_SIGNED_IN)
    if emails is not None:
        query = query.where(User.email.in_([email.strip().lower() for email in emails]))
    return list(db.session.scalars(query.order_by(User.name, User.id)))


def count_never_signed_in() -> int:
    return db.session.scalar(select(func.count()).select_from(User).where(*_NEVER_SIGNED_IN)) or 0
