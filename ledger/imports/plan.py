"""Plan an HR import row by row against the file and the directory; nothing is written."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from ledger.chat.links import SLACK_USER_ID
from ledger.db import db
from ledger.imports.checks import (
    check_admins,
    check_cycles,
    check_manager_eligibility,
    check_numbers,
)
from ledger.models import ROLES, Department, User
from ledger.operations import Actor
from ledger.services.person_fields import EMAIL
from ledger.text import text_problem

TRUE = {"true", "1", "yes", "y"}
FALSE = {"false", "0", "no", "n"}


@dataclass
class RowPlan:
    row: int
    email: str | None = None
    status: str = "error"
    reason: str | None = None
    changes: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)

    def fail(self, reason: str) -> None:
        if self.status != "error" or self.reason is None:
            self.status, self.reason = "error", reason

    def document(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"row": self.row, "email": self.email, "status": self.status}
        if self.status == "error":
            doc["reason"] = self.reason
        elif self.status == "updated":
            doc["changes"] = self.changes
        return doc


@dataclass
class Plan:
    rows: list[RowPlan]
    existing: dict[str, Any]  # email -> the person's current row
    department_ids: dict[str, int]

    def errors(self) -> list[dict[str, Any]]:
        return [row.document() for row in self.rows if row.status == "error"]

    def report(self, *, dry_run: bool) -> dict[str, Any]:
        counts = {"created": 0, "updated": 0, "unchanged": 0, "error": 0}
        for row in self.rows:
            counts[row.status] += 1
        return {
            "ok": counts["error"] == 0,
            "dry_run": dry_run,
            "counts": counts,
            "rows": [row.document() for row in self.rows],
        }


def make_plan(rows: Sequence[tuple[int, Mapping[str, Any]]], actor: Actor) -> Plan:
    """Check every row against the file and the directory; decide created/updated/unchanged."""
    existing = {
        row.email: row
        for row in db.session.execute(
            select(
                User.id,
                User.email,
                User.name,
                User.department_id,
                User.manager_id,
                User.role,
                User.kind,
                User.employee_number,
                User.slack_user_id,
                User.slack_handle,
                User.active,
                User.deactivated_at,
            )
        )
    }
    email_by_id = {row.id: email for email, row in existing.items()}
    departments = dict(db.session.execute(select(Department.name, Department.id)).all())
    department_names = {ident: name for name, ident in departments.items()}
    plans = [_parse(number, raw) for number, raw in rows]
    seen: dict[str, int] = {}
    numbers: dict[str, int] = {}
    slack_ids: dict[str, int] = {}
    for plan in plans:
        if plan.email is None:
            continue
        if plan.email in seen:
            plan.fail(f"Duplicate email {plan.email}; it first appears at row {seen[plan.email]}.")
            continue
        seen[plan.email] = plan.row
        number = plan.values.get("employee_number")
        if number is not None:
            if number in numbers:
                plan.fail(f"Employee number {number} is also at row {numbers[number]}.")
            numbers[number] = plan.row
        slack = plan.values.get("slack_user_id")
        if slack is not None:
            if slack in slack_ids:
                plan.fail(f"Slack id {slack} is also at row {slack_ids[slack]}.")
            slack_ids[slack] = plan.row
    in_file = {plan.email: plan for plan in plans if plan.email and seen[plan.email] == plan.row}
    check_numbers(plans, in_file, existing)
    check_numbers(plans, in_file, existing, "slack_user_id", "Slack id")
    managers = {email: email_by_id.get(row.manager_id) for email, row in existing.items()}
    for plan in plans:
        boss = plan.values.get("manager_email")
        if plan.status == "error" or plan.email not in in_file:
            continue
        if boss is not None and boss not in in_file and boss not in existing:
            plan.fail(f"Unknown manager {boss}: not in the file nor in the directory.")
        managers[plan.email] = boss
    check_cycles(plans, managers)
    check_manager_eligibility(plans, in_file, existing, email_by_id)
    check_admins(plans, existing, email_by_id.get(actor.user_id))
    for plan in plans:
        if plan.status != "error":
            _decide(plan, existing.get(plan.email), managers, email_by_id, department_names)
    return Plan(plans, existing, departments)


def _parse(number: int, raw: Mapping[str, Any]) -> RowPlan:
    plan = RowPlan(number)
    if "__error__" in raw:
        plan.fail(raw["__error__"])
        return plan
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key == "active" and isinstance(value, bool):
            values[key] = value
        elif value is None:
            values[key] = None
        elif isinstance(value, str):
            values[key] = value.strip() or None
        else:
            plan.fail(f"Field {key!r} must be text.")
            return plan
    for key, value in values.items():
        problem = text_problem(value, min_visible=1) if isinstance(value, str) else None
        if problem is not None:
            plan.fail(f"Field {key!r}: {problem}")
            return plan
    email = (values.get("email") or "").lower() or None
    plan.email = email
    if email is None:
        plan.fail("Missing field 'email'.")
    elif len(email) > 254 or not EMAIL.match(email):
        plan.fail(f"{email!r} is not an email address.")
    name = values.get("name")
    if name is None:
        plan.fail("Missing field 'name'.")
    elif len(name) > 200:
        plan.fail("A name has at most 200 characters.")
    if values.get("department") and len(values["department"]) > 120:
        plan.fail("A department name has at most 120 characters.")
    boss = (values.get("manager_email") or "").lower() or None
    if boss is not None and boss == email:
        plan.fail("A person cannot be their own manager.")
    role = values.get("role")
    if role is not None and role not in ROLES:
        plan.fail(f"Bad role {role!r}: use one of {', '.join(ROLES)}.")
    number_ = values.get("employee_number")
    if number_ is not None and len(number_) > 64:
        plan.fail("An employee number has at most 64 characters.")
    slack = values.get("slack_user_id")
    slack = slack.upper() if slack else None
    if slack is not None and not SLACK_USER_ID.match(slack):
        plan.fail(f"Bad slack_user_id {slack!r}: a Slack member id looks like U0123ABCD.")
    active = values.get("active")
    if isinstance(active, str):
        active = True if active.lower() in TRUE else False if active.lower() in FALSE else active
        if isinstance(active, str):
            plan.fail(f"Bad active value {values['active']!r}: use true or false.")
    plan.values = {
        "name": name,
        "department": values.get("department"),
        "manager_email": boss,
        "role": role,
        "employee_number": number_,
        "slack_user_id": slack,
        "active": active,
    }
    if plan.reason is None:
        plan.status = "pending"
    return plan


def _decide(plan: RowPlan, current, managers, email_by_id, department_names) -> None:
    if current is None:
        plan.status = "created"
        return
    values = plan.values
    checks = {
        "name": current.name != values["name"],
        "department": department_names.get(current.department_id) != values["department"],
        "manager": email_by_id.get(current.manager_id) != values["manager_email"],
        "role": values["role"] is not None and values["role"] != current.role,
        "employee_number": values["employee_number"] is not None
        and values["employee_number"] != current.employee_number,
        "slack_user_id": values["slack_user_id"] is not None
        and values["slack_user_id"] != current.slack_user_id,
        "active": values["active"] is not None and values["active"] != current.active,
    }
    plan.changes = [name for name, changed in checks.items() if changed]
    plan.status = "updated" if plan.changes else "unchanged"
