"""The rules each directory field obeys, shared by the services that add and change people."""

from __future__ import annotations

import re

from sqlalchemy import select

from ledger import rules
from ledger.db import db, upsert
from ledger.errors import Taken, ValidationFailed
from ledger.i18n import N_, Phrase
from ledger.models import ROLES, Department, User
from ledger.queries.org import subtree
from ledger.text import check_text

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


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
        raise ValidationFailed(N_("A department name has 1 to 120 characters."), field="department")
    db.session.execute(upsert(Department, {"name": clean}, ["name"]))
    return db.session.scalar(select(Department.id).where(Department.name == clean))


def check_name(name: str) -> str:
    """Refuse a name that is empty or longer than 200 characters."""
    if not 1 <= len(name) <= 200:
        raise ValidationFailed(N_("A name has 1 to 200 characters."), field="name")
    return name


def check_email(address: str, as_given: object, other_than: int | None = None) -> str:
    """Refuse an address that is malformed or already someone else's."""
    if not EMAIL.match(address) or len(address) > 254:
        raise ValidationFailed(
            Phrase("{as_given} is not an email address.", as_given=repr(as_given)), field="email"
        )
    taken = select(User.id).where(User.email == address, User.id != other_than)
    if db.session.scalar(taken):
        raise Taken(
            Phrase("{address} is already in the directory.", address=address), field="email"
        )
    return address


def check_role(role: object) -> object:
    """Refuse a role Baton does not know."""
    if role not in ROLES:
        raise ValidationFailed(
            Phrase("Role must be one of {choices}.", choices=", ".join(ROLES)), field="role"
        )
    return role


def check_employee_number(number: str, other_than: int | None = None) -> None:
    """Refuse an employee number that belongs to someone else."""
    taken = select(User.id).where(User.employee_number == number, User.id != other_than)
    if db.session.scalar(taken):
        raise Taken(
            Phrase("Employee number {number} belongs to someone else.", number=number),
            field="employee_number",
        )


def check_external_id(value: object) -> str | None:
    """Refuse an identity provider's external id that is not one line of up to 255 characters."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > 255:
        raise ValidationFailed(
            N_("An externalId is text of up to 255 characters."), field="externalId"
        )
    check_text(value, "externalId")
    return value


def check_manager(user_id: int, manager_id: int | None) -> None:
    """Refuse a manager who is oneself, unknown, not an active person, or one of one's reports."""
    if manager_id is None:
        return
    if manager_id == user_id:
        raise ValidationFailed(N_("A person cannot be their own manager."), field="manager_id")
    boss = db.session.get(User, manager_id)
    if boss is None:
        raise ValidationFailed(
            Phrase("No user {manager_id} to be the manager.", manager_id=manager_id),
            field="manager_id",
        )
    rules.check_manager_eligible(boss.name, boss.kind, boss.active)
    if manager_id in subtree(user_id):
        raise ValidationFailed(
            N_("That manager reports to this person: the chart would have a cycle."),
            field="manager_id",
        )
