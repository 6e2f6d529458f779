"""Create people in the directory (the directory features grow in ledger.directory)."""

from __future__ import annotations

import re
from datetime import datetime

from flask import current_app
from sqlalchemy import insert, select
from werkzeug.security import generate_password_hash

from ledger.db import db
from ledger.errors import ValidationFailed
from ledger.models import ROLES, USER_KINDS, Department, User
from ledger.operations import Actor, OperationResult, Outcome, run_operation
from ledger.postings import ensure_earned, upsert
from ledger.queries.people import user_document

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 10


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise ValidationFailed(
            f"Use a password of at least {MIN_PASSWORD} characters.", field="password"
        )
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def ensure_department(name: str) -> int:
    """Return the id of the department with this name, creating it if needed."""
    clean = name.strip()
    if not 1 <= len(clean) <= 120:
        raise ValidationFailed("A department name has 1 to 120 characters.", field="department")
    db.session.execute(upsert(Department, {"name": clean}, ["name"]))
    return db.session.scalar(select(Department.id).where(Department.name == clean))


def create_user(
    email: str,
    *,
    name: str,
    now: datetime,
    actor: Actor,
    department: str | None = None,
    manager: str | int | None = None,
    role: str = "employee",
    kind: str = "person",
    password: str | None = None,
    employee_number: str | None = None,
) -> OperationResult:
    """Add a person (or a bot or service account); `manager` is an email or a user id."""

    def body(ctx):
        address = email.strip().lower()
        if not EMAIL.match(address) or len(address) > 254:
            raise ValidationFailed(f"{email!r} is not an email address.", field="email")
        if db.session.scalar(select(User.id).where(User.email == address)):
            raise ValidationFailed(f"{address} is already in the directory.", field="email")
        if not 1 <= len(name.strip()) <= 200:
            raise ValidationFailed("A name has 1 to 200 characters.", field="name")
        if role not in ROLES:
            raise ValidationFailed(f"Role must be one of {', '.join(ROLES)}.", field="role")
        if kind not in USER_KINDS:
            raise ValidationFailed(f"Kind must be one of {', '.join(USER_KINDS)}.", field="kind")
        manager_id = None
        if manager is not None and manager != "":
            by = (
                User.id == manager
                if isinstance(manager, int)
                else User.email == manager.strip().lower()
            )
            manager_id = db.session.scalar(select(User.id).where(by))
            if manager_id is None:
                raise ValidationFailed(f"No manager {manager!r} in the directory.", field="manager")
        if employee_number is not None and db.session.scalar(
            select(User.id).where(User.employee_number == employee_number)
        ):
            raise ValidationFailed(
                f"Employee number {employee_number} belongs to someone else.",
                field="employee_number",
            )
        user_id = db.session.execute(
            insert(User)
            .values(
                email=address,
                name=name.strip(),
                role=role,
                kind=kind,
                active=True,
                department_id=ensure_department(department) if department else None,
                manager_id=manager_id,
                employee_number=employee_number,
                password_hash=hash_password(password) if password else None,
                session_version=1,
                created_at=now,
            )
            .returning(User.id)
        ).scalar_one()
        if kind == "person":
            ensure_earned(user_id)
        ctx.emit("user.created", user_document(db.session.get(User, user_id)), "user", user_id)
        return Outcome(
            {"id": user_id, "email": address, "name": name.strip(), "role": role}, "user", user_id
        )

    return run_operation("create_user", body, now=now, actor=actor)
