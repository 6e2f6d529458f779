"""Write a checked HR import plan with a handful of set-based statements."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ledger.db import db
from ledger.imports.plan import Plan
from ledger.models import Account, Department, User
from ledger.queries.people import user_document
from ledger.services.access import end_access


def apply_plan(ctx, plan: Plan, now: datetime) -> None:
    """Write a checked plan with a handful of bulk statements (no per-row round trips)."""
    good = [row for row in plan.rows if row.status in {"created", "updated"}]
    departments = _ensure_departments(plan, {row.values["department"] for row in good} - {None})
    created = [row for row in good if row.status == "created"]
    if created:
        db.session.execute(
            insert(User),
            [
                {
                    "email": row.email,
                    "name": row.values["name"],
                    "department_id": departments.get(row.values["department"]),
                    "role": row.values["role"] or "employee",
                    "kind": "person",
                    "employee_number": row.values["employee_number"],
                    "slack_user_id": row.values["slack_user_id"],
                    "active": row.values["active"] is not False,
                    "deactivated_at": now if row.values["active"] is False else None,
                    "session_version": 1,
                    "created_at": now,
                }
                for row in created
            ],
        )
    ids = dict(db.session.execute(select(User.email, User.id)).all())
    if created:
        db.session.execute(
            insert(Account),
            [
                {"kind": "earned", "user_id": ids[row.email], "bounded": True, "balance": 0}
                for row in created
            ],
        )
    updated = [row for row in good if row.status == "updated"]
    _update_people(plan, updated, departments, ids, now)
    moves = [
        {"id": ids[row.email], "manager_id": ids.get(row.values["manager_email"])}
        for row in good
        if "manager" in row.changes or (row.status == "created" and row.values["manager_email"])
    ]
    if moves:
        db.session.execute(update(User), moves)
    leaving = [
        ids[row.email]
        for row in updated
        if row.values["active"] is False and plan.existing[row.email].active
    ]
    if leaving:
        end_access(ctx, leaving, now)
    _tell(ctx, [ids[row.email] for row in created], leaving)


def _tell(ctx, created: list[int], leaving: list[int]) -> None:
    """Emit user.created and user.deactivated for the people this import added or let go."""
    db.session.expire_all()
    for user_id in created:
        ctx.emit("user.created", user_document(db.session.get(User, user_id)), "user", user_id)
    for user_id in leaving:
        ctx.emit("user.deactivated", user_document(db.session.get(User, user_id)), "user", user_id)


def _ensure_departments(plan: Plan, names: set[str]) -> dict[str, int]:
    missing = sorted(names - set(plan.department_ids))
    if missing:
        dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(Department).on_conflict_do_nothing(index_elements=["name"])
        db.session.execute(statement, [{"name": name} for name in missing])
        return dict(db.session.execute(select(Department.name, Department.id)).all())
    return plan.department_ids


def _update_people(plan: Plan, updated, departments, ids, now: datetime) -> None:
    if not updated:
        return
    for column in ("employee_number", "slack_user_id"):
        renumbered = [row for row in updated if column in row.changes]
        if renumbered:
            # Clear first so that two people swapping values never collide mid-statement.
            db.session.execute(
                update(User), [{"id": ids[row.email], column: None} for row in renumbered]
            )
    rows = []
    for row in updated:
        current = plan.existing[row.email]
        active = current.active if row.values["active"] is None else row.values["active"]
        left = current.deactivated_at if active == current.active else None if active else now
        rows.append(
            {
                "id": current.id,
                "name": row.values["name"],
                "department_id": departments.get(row.values["department"]),
                "role": row.values["role"] or current.role,
                "employee_number": row.values["employee_number"] or current.employee_number,
                "slack_user_id": row.values["slack_user_id"] or current.slack_user_id,
                "slack_handle": None if "slack_user_id" in row.changes else current.slack_handle,
                "active": active,
                "deactivated_at": left,
            }
        )
    db.session.execute(update(User), rows)
