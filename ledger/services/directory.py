"""Keep the directory: add, update and deactivate people; guard the admin and org-chart rules."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update

from ledger import rules
from ledger.chat.links import check_slack_owner, check_slack_user_id
from ledger.db import db
from ledger.errors import NotFound, ValidationFailed
from ledger.i18n import N_, Phrase
from ledger.models import USER_KINDS, User
from ledger.operations import Actor, OperationResult, Outcome, run_operation
from ledger.postings import ensure_earned
from ledger.queries.people import user_document
from ledger.services.access import check_admin_rules, end_access, hash_password
from ledger.services.person_fields import (
    check_email,
    check_employee_number,
    check_external_id,
    check_manager,
    check_name,
    check_person_texts,
    check_role,
    ensure_department,
)

EDITABLE = frozenset(
    {"name", "email", "department", "manager_id", "role", "employee_number", "active",
     "slack_user_id", "scim_external_id", "scim_deleted"}
)  # fmt: skip


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
    oidc_subject: str | None = None,
    scim_external_id: str | None = None,
    active: bool = True,
) -> OperationResult:
    """Add a person (or a bot or service account); `manager` is an email or a user id;
    `oidc_subject` links them to their single sign-on account from the start; `active=False`
    adds someone who has already left (as the HR import may)."""

    def body(ctx):
        address = email.strip().lower()
        check_person_texts(
            email=address, name=name.strip(), department=department,
            employee_number=employee_number, manager=manager,
        )  # fmt: skip
        check_email(address, email)
        check_name(name.strip())
        check_role(role)
        if kind not in USER_KINDS:
            raise ValidationFailed(
                Phrase("Kind must be one of {choices}.", choices=", ".join(USER_KINDS)),
                field="kind",
            )
        manager_id = None
        if manager is not None and manager != "":
            by = (
                User.id == manager
                if isinstance(manager, int)
                else User.email == manager.strip().lower()
            )
            boss = db.session.scalars(select(User).where(by)).first()
            if boss is None:
                raise ValidationFailed(
                    Phrase("No manager {manager} in the directory.", manager=repr(manager)),
                    field="manager",
                )
            rules.check_manager_eligible(boss.name, boss.kind, boss.active)
            manager_id = boss.id
        if employee_number is not None:
            check_employee_number(employee_number)
        user_id = db.session.execute(
            insert(User)
            .values(
                email=address,
                name=name.strip(),
                role=role,
                kind=kind,
                active=active,
                deactivated_at=None if active else now,
                department_id=ensure_department(department) if department else None,
                manager_id=manager_id,
                employee_number=employee_number,
                password_hash=hash_password(password) if password else None,
                oidc_subject=oidc_subject,
                scim_external_id=check_external_id(scim_external_id),
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
    (a Slack member id or None), scim_external_id, scim_deleted (True: deleted by the
    identity provider, which then no longer sees them). The result
    document is the person as `ledger.queries.people.user_document` describes them.
    """
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ValidationFailed(
            Phrase("These fields cannot be changed: {choices}.", choices=", ".join(sorted(unknown)))
        )

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
        if "scim_deleted" in values:
            values["scim_deleted_at"] = now if values.pop("scim_deleted") else None
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


def _load(user_id: int) -> User:
    user = db.session.get(User, user_id, populate_existing=True)
    if user is None:
        raise NotFound(N_("No such user."))
    return user


def _validated(user: User, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Check each requested change and return the column values that actually differ."""
    values: dict[str, Any] = {}
    texts = ("name", "email", "department", "employee_number")
    check_person_texts(**{key: changes[key] for key in texts if key in changes})
    if "name" in changes:
        values["name"] = check_name(str(changes["name"] or "").strip())
    if "email" in changes:
        email = str(changes["email"] or "").strip().lower()
        values["email"] = check_email(email, changes["email"], other_than=user.id)
    if "department" in changes:
        department = changes["department"]
        values["department_id"] = ensure_department(department) if department else None
    if "manager_id" in changes and changes["manager_id"] != user.manager_id:
        # Only a new manager is checked: a form sent back unchanged keeps a manager who left.
        check_manager(user.id, changes["manager_id"])
        values["manager_id"] = changes["manager_id"]
    if "role" in changes:
        values["role"] = check_role(changes["role"])
    if "employee_number" in changes:
        number = (changes["employee_number"] or "").strip() or None
        if number is not None:
            if len(number) > 64:
                raise ValidationFailed(N_("An employee number has at most 64 characters."))
            check_employee_number(number, other_than=user.id)
        values["employee_number"] = number
    if "active" in changes:
        if not isinstance(changes["active"], bool):
            raise ValidationFailed(N_("active is true or false."), field="active")
        values["active"] = changes["active"]
    if "scim_external_id" in changes:
        values["scim_external_id"] = check_external_id(changes["scim_external_id"])
    if "scim_deleted" in changes and bool(changes["scim_deleted"]) != bool(user.scim_deleted_at):
        values["scim_deleted"] = bool(changes["scim_deleted"])
    if "slack_user_id" in changes:
        slack_user_id = check_slack_user_id(changes["slack_user_id"])
        check_slack_owner(slack_user_id, user.id)
        values["slack_user_id"] = slack_user_id
    changed = {
        key: value
        for key, value in values.items()
        if key == "scim_deleted" or getattr(user, key) != value
    }
    if "slack_user_id" in changed:
        changed["slack_handle"] = None  # the handle belonged to the account it replaces
    return changed
