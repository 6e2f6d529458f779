"""The transactional outbox: events are appended inside the operation that causes them."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert

from ledger.db import db
from ledger.models import OutboxEvent

# The events integrators may subscribe to; internal ones (e.g. webhook.disabled) are not listed.
EVENT_TYPES = (
    "award.created",
    "award.reversed",
    "bonus_run.committed",
    "bonus_run.voided",
    "bonus_run.paid",
    "period.closed",
    "request.created",
    "request.handed_off",
    "request.delivered",
    "request.overdue",
    "user.created",
    "user.deactivated",
)


@dataclass(frozen=True)
class Event:
    """An event waiting in its operation for the commit: type, object and API document."""

    type: str
    data: dict[str, Any]
    object_type: str | None = None
    object_id: Any = None


def new_uid() -> str:
    """Return a fresh message id, the `webhook-id` every retry of the event repeats."""
    return "msg_" + secrets.token_urlsafe(18)


def append(events: list[Event], *, now: datetime, operation_id: int | None = None) -> list[int]:
    """Write events in the caller's transaction; a rollback takes them back with the rest."""
    if not events:
        return []
    return list(
        db.session.execute(
            insert(OutboxEvent).returning(OutboxEvent.id, sort_by_parameter_order=True),
            event_rows(events, now=now, operation_id=operation_id),
        ).scalars()
    )


def event_rows(events: list[Event], *, now: datetime, operation_id: int | None) -> list[dict]:
    """The outbox rows of `events`, each with a fresh message id."""
    return [
        {
            "uid": new_uid(),
            "type": event.type,
            "object_type": event.object_type,
            "object_id": None if event.object_id is None else str(event.object_id),
            "data": json.dumps(
                event.data, sort_keys=True, separators=(",", ":"), ensure_ascii=False
            ),
            "operation_id": operation_id,
            "created_at": now,
        }
        for event in events
    ]
