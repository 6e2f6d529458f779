"""Plain result documents shared by services and queries."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ledger.models import User


def timestamp(moment: datetime) -> str:
    """Render an aware datetime as ISO 8601 in UTC, with its offset."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def user_reference(user: User) -> dict[str, Any]:
    return {"id": user.id, "name": user.name, "email": user.email}


def award_document(
    *,
    award_id: int,
    giver: User,
    lines: list[tuple[User, int, str, bool]],
    message: str,
    service_kind: str,
    period: str,
    created_at: datetime,
    reversed_: bool,
    reversal_reason: str | None = None,
    via: User | None = None,
    add_on_to: int | None = None,
    add_ons: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Describe an award as every adapter shows it; lines are (recipient, points, direction,
    cross_department), `via` the service account that gave it on the giver's behalf, and
    `add_ons` the awards others added to it (add_on_document)."""
    points_total = sum(line[1] for line in lines)
    add_ons = add_ons or []
    return {
        "id": award_id,
        "giver": user_reference(giver),
        "lines": [
            {
                "recipient": user_reference(recipient),
                "points": points,
                "direction": direction,
                "cross_department": cross_department,
            }
            for recipient, points, direction, cross_department in lines
        ],
        "points_total": points_total,
        "message": message,
        "service_kind": service_kind,
        "period": period,
        "created_at": timestamp(created_at),
        "reversed": reversed_,
        "reversal_reason": reversal_reason,
        "via": user_reference(via) if via is not None else None,
        "add_on_to": add_on_to,
        "add_ons": add_ons,
        "points_with_add_ons": points_total
        + sum(add_on["points_total"] for add_on in add_ons if not add_on["reversed"]),
    }


def add_on_document(
    *,
    award_id: int,
    giver: User,
    points: int,
    points_total: int,
    message: str,
    created_at: datetime,
    reversed_: bool,
) -> dict[str, Any]:
    """Describe an add-on as its award lists it: who added how much to each, and why."""
    return {
        "id": award_id,
        "giver": user_reference(giver),
        "points": points,
        "points_total": points_total,
        "message": message,
        "created_at": timestamp(created_at),
        "reversed": reversed_,
    }
