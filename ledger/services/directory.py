"""Keep the directory: add, update and deactivate people; guard the admin and org-chart rules."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import func, insert, select, update
from werkzeug.security import generate_password_hash

from ledger import rules
from ledger.chat.links import check_slack_owner, check_slack_user_id
from ledger.db import db, upsert
from ledger.errors import CannotChangeSelf, NotFound, ValidationFailed
from ledger.models import ROLES, USER_KINDS, Account, ApiToken, Department, User
from ledger.operations import Actor, OperationResult, Outcome, run_operation
from ledger.postings import ensure_earned
from ledger.queries.org import subtree
from ledger.queries.people import user_document
from ledger.services.periods import expire_allowances
from ledger.text import check_text

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 10
EDITABLE = frozenset(
    {"name", "email", "department", "manager_id", "role", "employee_number", "active",
     "slack_user_id"}
)  # fmt: skip
CHUNK = 500  # ids per IN (...) list, well under SQLite's bound-parameter limit


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise ValidationFailed(
            f"Use a password of at least {MIN_PASSWORD} characters.", field="password"
        )
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def check_person_texts(**values: object) -> None:
    """Refuse directory text that breaks the text rule before any query carries it."""
    for field, value in values.items():
        if isinstance(value, str):
            check_text(value.strip(), field, min_visible=1 if field == "name" else 0)


def ensure_department(name: str) -> int:
    """Return the id of the department with this name, creating it if needed."""
    clean = name.strip()
    check_text(clean, "department", min_visible=1)
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
        check_person_texts(
            email=address, name=name.strip(), department=department,
            employee_number=employee_number, manager=manager,
        )  # fmt: skip
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
            boss = db.session.scalars(select(User).where(by)).first()
            if boss is None:
                raise ValidationFailed(f"No manager {manager!r} in the directory.", field="manager")
            rules.check_manager_eligible(boss.name, boss.kind, boss.active)
            manager_id = boss.id
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
            {"id": user_id, "email": address, "name": name.strip(), "role": role},
            "user",
            user_id,
            {"role": role, "kind": kind, "manager_id": manager_id},
        )

    return run_operation("create_user", body, now=now, actor=actor)


def update_user(
    user_id: int, changes: Mapping[str, Any], *, now: datetime, actor: Actor
) -> OperationResult:
    """Change a person's directory fields; `active=False` deactivates them (see deactivate_user).

    `changes` may hold: name, email, department (a name, created if new, or None),
    manager_id (an id or None), role, employee_number (or None), active, slack_user_id
    (a Slack member id or None). The result
    document is the person as `ledger.queries.people.user_document` describes them.
    """
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ValidationFailed(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")

    def body(ctx):
        user = _load(user_id)
        values = _validated(user, changes)
        deactivating = user.active and values.get("active") is False
        demoting = "role" in values and user.role == "admin" and values["role"] != "admin"
        check_admin_rules(user, actor, demoting=demoting, deactivating=deactivating)
        if deactivating:
            values["deactivated_at"] = now
        elif values.get("active") is True and not user.active:
            values["deactivated_at"] = None
        if values:
            db.session.execute(
                update(User)
                .where(User.id == user.id)
                .values(**values)
                .execution_options(synchronize_session=False)
            )
        if deactivating:
            end_access(ctx, [user.id], now)
        db.session.expire_all()
        document = user_document(_load(user_id))
        if deactivating:
            ctx.emit("user.deactivated", document, "user", user_id)
        return Outcome(document, "user", user_id, {"changed": sorted(values)})

    return run_operation("update_user", body, now=now, actor=actor)


def deactivate_user(user_id: int, *, now: datetime, actor: Actor) -> OperationResult:
    """Deactivate a person: end their sessions and tokens and expire their open allowance.

    Never deletes: history, earned points and the org chart stay. Refuses (CannotChangeSelf)
    to deactivate the acting admin or the last active admin. Deactivating someone already
    inactive changes nothing.
    """

    def body(ctx):
        user = _load(user_id)
        was_active = user.active
        if was_active:
            check_admin_rules(user, actor, demoting=False, deactivating=True)
            db.session.execute(
                update(User)
                .where(User.id == user.id)
                .values(active=False, deactivated_at=now)
                .execution_options(synchronize_session=False)
            )
            expired = end_access(ctx, [user.id], now)
        else:
            expired = 0
        db.session.expire_all()
        document = user_document(_load(user_id))
        if was_active:
            ctx.emit("user.deactivated", document, "user", user_id)
        return Outcome(document, "user", user_id, {"expired": expired})

    return run_operation("deactivate_user", body, now=now, actor=actor)


def check_admin_rules(user: User, actor: Actor, *, demoting: bool, deactivating: bool) -> None:
    """Refuse to demote or deactivate oneself, or the last active admin."""
    if not (demoting or deactivating):
        return
    if actor.user_id is not None and actor.user_id == user.id:
        what = "deactivate" if deactivating else "demote"
        raise CannotChangeSelf(f"You cannot {what} yourself; ask another admin.")
    if user.role == "admin" and user.active and active_admins(excluding=[user.id]) == 0:
        raise CannotChangeSelf(f"{user.name} is the last active admin; appoint another first.")


def active_admins(excluding: Iterable[int] = ()) -> int:
    """Count the active admins, leaving out the given ids."""
    query = select(func.count()).select_from(User).where(User.role == "admin", User.active)
    skip = list(excluding)
    if skip:
        query = query.where(User.id.not_in(skip))
    return db.session.scalar(query) or 0


def end_access(ctx, user_ids: list[int], now: datetime) -> int:
    """End sessions and tokens and expire the open allowances of people being deactivated.

    Runs inside the caller's operation; returns the points expired.
    """
    expired_total = 0
    for start in range(0, len(user_ids), CHUNK):
        ids = sorted(user_ids[start : start + CHUNK])
        db.session.execute(
            update(User)
            .where(User.id.in_(ids))
            .values(session_version=User.session_version + 1)
            .execution_options(synchronize_session=False)
        )
        db.session.execute(
            update(ApiToken)
            .where(ApiToken.user_id.in_(ids), ApiToken.revoked_at.is_(None))
            .values(revoked_at=now)
            .execution_options(synchronize_session=False)
        )
        accounts = expire_allowances(ctx, Account.user_id.in_(ids))
        expired_total += sum(row.balance for row in accounts)
    return expired_total


def check_manager(user_id: int, manager_id: int | None) -> None:
    """Refuse a manager who is oneself, unknown, not an active person, or one of one's reports."""
    if manager_id is None:
        return
    if manager_id == user_id:
        raise ValidationFailed("A person cannot be their own manager.", field="manager_id")
    boss = db.session.get(User, manager_id)
    if boss is None:
        raise ValidationFailed(f"No user {manager_id} to be the manager.", field="manager_id")
    rules.check_manager_eligible(boss.name, boss.kind, boss.active)
    if manager_id in subtree(user_id):
        raise ValidationFailed(
            "That manager reports to this person: the chart would have a cycle.",
            field="manager_id",
        )


def _load(user_id: int) -> User:
    user = db.session.get(User, user_id, populate_existing=True)
    if user is None:
        raise NotFound("No such user.")
    return user


def _validated(user: User, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Check each requested change and return the column values that actually differ."""
    values: dict[str, Any] = {}
    texts = ("name", "email", "department", "employee_number")
    check_person_texts(**{key: changes[key] for key in texts if key in changes})
    if "name" in changes:
        name = str(changes["name"] or "").strip()
        if not 1 <= len(name) <= 200:
            raise ValidationFailed("A name has 1 to 200 characters.", field="name")
        values["name"] = name
    if "email" in changes:
        email = str(changes["email"] or "").strip().lower()
        if not EMAIL.match(email) or len(email) > 254:
            raise ValidationFailed(f"{changes['email']!r} is not an email address.", field="email")
        taken = db.session.scalar(select(User.id).where(User.email == email, User.id != user.id))
        if taken:
            raise ValidationFailed(f"{email} is already in the directory.", field="email")
        values["email"] = email
    if "department" in changes:
        department = changes["department"]
        values["department_id"] = ensure_department(department) if department else None
    if "manager_id" in changes and changes["manager_id"] != user.manager_id:
        # Only a new manager is checked: a form sent back unchanged keeps a manager who left.
        check_manager(user.id, changes["manager_id"])
        values["manager_id"] = changes["manager_id"]
    if "role" in changes:
        if changes["role"] not in ROLES:
            raise ValidationFailed(f"Role must be one of {', '.join(ROLES)}.", field="role")
        values["role"] = changes["role"]
    if "employee_number" in changes:
        number = (changes["employee_number"] or "").strip() or None
        if number is not None:
            if len(number) > 64:
                raise ValidationFailed("An employee number has at most 64 characters.")
            taken = db.session.scalar(
                select(User.id).where(User.employee_number == number, User.id != user.id)
            )
            if taken:
                raise ValidationFailed(
                    f"Employee number {number} belongs to someone else.", field="employee_number"
                )
        values["employee_number"] = number
    if "active" in changes:
        if not isinstance(changes["active"], bool):
            raise ValidationFailed("active is true or false.", field="active")
        values["active"] = changes["active"]
    if "slack_user_id" in changes:
        slack_user_id = check_slack_user_id(changes["slack_user_id"])
        check_slack_owner(slack_user_id, user.id)
        values["slack_user_id"] = slack_user_id
    changed = {key: value for key, value in values.items() if getattr(user, key) != value}
    if "slack_user_id" in changed:
        changed["slack_handle"] = None  # the handle belonged to the account it replaces
    return changed
