"""Who a bonus run covers, and who may run or manage it."""

from __future__ import annotations

from sqlalchemy import select

from ledger.db import db
from ledger.errors import Forbidden, NotFound, ValidationFailed
from ledger.i18n import N_
from ledger.models import BonusRun, Department, User
from ledger.queries.org import subtree

MANAGING_ROLES = ("manager", "admin")
SCOPE_HELP = "Scope must be company, department:<id> or team:<manager id>."


def check_scope(scope: str) -> tuple[str, int | None]:
    """Parse `company`, `department:<id>` or `team:<manager id>`; refuse anything else."""
    kind, colon, argument = (scope or "").partition(":")
    if kind == "company" and not colon:
        return kind, None
    if kind in {"department", "team"} and argument.isdigit() and len(argument) <= 10:
        number = int(argument)
        if 1 <= number <= 2**31 - 1:
            return kind, number
    raise ValidationFailed(SCOPE_HELP, field="scope")


def check_manager(actor: User | None) -> User:
    """Refuse anyone who may not run bonus runs at all."""
    if actor is None or not actor.active or actor.role not in MANAGING_ROLES:
        raise Forbidden(N_("Only active managers and admins run bonus runs."))
    return actor


def scope_members(scope: str, actor: User) -> set[int]:
    """Resolve a scope to the people it covers, as the org chart stands now.

    `team:<m>` is m's whole subtree (without m), for m = the actor or someone below them;
    `department:<id>` needs every member within the actor's reach; `company` is for
    admins. The actor is never a member: nobody converts their own points.
    """
    kind, number = check_scope(scope)
    check_manager(actor)
    admin = actor.role == "admin"
    if kind == "company":
        if not admin:
            raise Forbidden(N_("Only admins run company-wide bonus runs."))
        members = set(db.session.scalars(select(User.id).where(User.kind == "person")))
    elif kind == "team":
        manager = db.session.get(User, number)
        reach = None if admin else subtree(actor.id)
        if manager is None or not (admin or number == actor.id or number in reach):
            raise NotFound(N_("No such team within your reach."))
        members = subtree(number)
    else:
        if db.session.get(Department, number) is None:
            raise NotFound(N_("No such department."))
        members = set(
            db.session.scalars(
                select(User.id).where(User.department_id == number, User.kind == "person")
            )
        )
        if not admin and members - subtree(actor.id) - {actor.id}:
            raise Forbidden(N_("Part of this department is outside your reach; run it by team."))
    people = set(db.session.scalars(select(User.id).where(User.kind == "person")))
    return (members & people) - {actor.id}


def can_manage(actor: User | None, run: BonusRun) -> bool:
    """Tell whether the actor may see and act on a run: its creator, or reach over its scope."""
    if actor is None or not actor.active or actor.role not in MANAGING_ROLES:
        return False
    if actor.role == "admin" or run.created_by_id == actor.id:
        return True
    try:
        scope_members(run.scope, actor)
    except (Forbidden, NotFound, ValidationFailed):
        return False
    return True
