"""Checks of an HR import across rows: unique values, cycles, admins and eligible managers."""

from __future__ import annotations

from ledger import rules
from ledger.errors import ManagerIneligible


def check_numbers(plans, in_file, existing, column="employee_number", label="Employee number"):
    """Refuse a unique value (employee number, Slack id) that someone else keeps after it."""
    holders = {
        getattr(row, column): email for email, row in existing.items() if getattr(row, column)
    }
    for plan in plans:
        number = plan.values.get(column)
        holder = holders.get(number) if number else None
        if plan.status == "error" or holder is None or holder == plan.email:
            continue
        other = in_file.get(holder)
        released = other is not None and other.values.get(column) not in {None, number}
        if not released:
            plan.fail(f"{label} {number} already belongs to {holder}.")


def check_manager_eligibility(plans, in_file, existing, email_by_id) -> None:
    """Refuse a row that gives someone a new manager who is a bot, a service or leaving."""
    for plan in plans:
        boss = plan.values.get("manager_email")
        if plan.status == "error" or boss is None:
            continue
        current = existing.get(plan.email)
        if current is not None and email_by_id.get(current.manager_id) == boss:
            continue  # unchanged: a re-sent file keeps a manager who has since left
        before = existing.get(boss)
        row = in_file.get(boss)
        kind = before.kind if before is not None else "person"
        active = before.active if before is not None else True
        if row is not None and row.values.get("active") is not None:
            active = row.values["active"]
        name = row.values.get("name") if row is not None else before.name
        try:
            rules.check_manager_eligible(f"Manager {boss} ({name})", kind, active)
        except ManagerIneligible as refusal:
            plan.fail(refusal.message)


def check_cycles(plans, managers: dict[str, str | None]) -> None:
    """Refuse rows whose final management chain loops back on itself."""
    state: dict[str, int] = {}  # 1: on the current walk, 2: known to end at the top
    on_cycle: dict[str, list[str]] = {}
    for start in managers:
        path: list[str] = []
        node: str | None = start
        while node is not None and state.get(node) is None:
            state[node] = 1
            path.append(node)
            node = managers.get(node)
        if node is not None and state.get(node) == 1:
            loop = path[path.index(node) :]
            for member in loop:
                on_cycle[member] = loop
        for member in path:
            state[member] = 2
    for plan in plans:
        loop = on_cycle.get(plan.email) if plan.email else None
        if loop and plan.status != "error":
            chain = " → ".join([*loop, loop[0]])
            plan.fail(f"The management chain {chain} is a cycle.")


def check_admins(plans, existing, actor_email: str | None) -> None:
    """Refuse to demote or deactivate the importer, or to leave no active admin."""
    final = {email: (row.role, row.active) for email, row in existing.items()}
    losing = []
    for plan in plans:
        if plan.status == "error":
            continue
        before = final.get(plan.email, ("employee", True))
        role = plan.values["role"] or before[0]
        active = before[1] if plan.values["active"] is None else plan.values["active"]
        final[plan.email] = (role, active)
        if before == ("admin", True) and (role, active) != ("admin", True):
            if plan.email == actor_email:
                plan.fail("You cannot demote or deactivate yourself; ask another admin.")
            losing.append(plan)
    had_admin = any(row.role == "admin" and row.active for row in existing.values())
    if had_admin and not any(state == ("admin", True) for state in final.values()):
        for plan in losing:
            plan.fail("This would leave no active admin; appoint another first.")
