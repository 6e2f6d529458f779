"""SCIM provisioning: what an identity provider asks of the directory, through the same
directory services as the admin pages and the HR import (deactivation ends sessions, tokens
and the open allowance)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ledger.operations import Actor
from ledger.queries.people import user_by_email
from ledger.services.directory import create_user, update_user
from ledger.services.person_fields import check_person_texts

# The directory fields a SCIM resource carries; PUT replaces all of them.
FIELDS = ("email", "name", "active", "scim_external_id", "employee_number", "department",
          "manager_id")  # fmt: skip


def provision_person(fields: Mapping[str, Any], *, now: datetime, actor: Actor) -> int:
    """Add a person (a SCIM POST) and return their id; someone the provider deleted earlier
    comes back as the same person, with their history."""
    check_person_texts(email=fields["email"])  # before any query carries it
    deleted = user_by_email(fields["email"])
    if deleted is not None and deleted.scim_deleted_at is not None:
        revived = {**fields, "active": fields.get("active") is not False, "scim_deleted": False}
        update_user(deleted.id, revived, now=now, actor=actor)
        return deleted.id
    result = create_user(
        fields["email"],
        name=fields["name"],
        department=fields.get("department"),
        manager=fields.get("manager_id"),
        employee_number=fields.get("employee_number"),
        scim_external_id=fields.get("scim_external_id"),
        active=fields.get("active") is not False,
        now=now,
        actor=actor,
    )
    return result.document["id"]


def replace_person(
    user_id: int, fields: Mapping[str, Any], *, now: datetime, actor: Actor
) -> dict[str, Any]:
    """Set every SCIM-carried field of a person (a PUT, or a PATCH once applied): what the
    resource leaves out is cleared; `active: false` deactivates, `true` reactivates."""
    changes = {field: fields.get(field) for field in FIELDS}
    if changes["active"] is None:
        changes["active"] = True
    return update_user(user_id, changes, now=now, actor=actor).document


def delete_person(user_id: int, *, now: datetime, actor: Actor) -> None:
    """Deactivate a person the provider deleted; history stays, SCIM sees them no more."""
    update_user(user_id, {"active": False, "scim_deleted": True}, now=now, actor=actor)
