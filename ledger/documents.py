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
    proactive: bool = False,
    request: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Describe an award as every adapter shows it; lines are (recipient, points, direction,
    cross_department), `via` the service account that gave it on the giver's behalf,
    `request` what the award records of the request it closed, if any."""
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
        "points_total": sum(line[1] for line in lines),
        "message": message,
        "service_kind": service_kind,
        "period": period,
        "created_at": timestamp(created_at),
        "reversed": reversed_,
        "reversal_reason": reversal_reason,
        "via": user_reference(via) if via is not None else None,
        "proactive": proactive,
        "request": request,
    }
