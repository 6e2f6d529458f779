"""The audit trail: who did what, when and from where, one structured row per event.

Every service records through `record` (inside its own transaction, usually from
`run_operation`) or `record_alone` (a sign-in, which has no other write). The details are
stored as JSON in printable ASCII: a CR, LF or any other control character in user text is
escaped, so no value can end a row or start a forged one wherever the trail is shown.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Insert, insert

from ledger.db import db, write_transaction
from ledger.models import AuditEvent

if TYPE_CHECKING:
    from ledger.operations import Actor

# Keys that could carry a credential never reach the trail, whatever a caller passes.
SECRET_KEY = re.compile(r"password|secret|token(?!_id)|authorization|cookie", re.IGNORECASE)
MAX_TEXT = 500  # a value longer than this is clipped (an audit row is not a document store)


def record(
    action: str,
    *,
    actor: Actor,
    now: datetime,
    outcome: str = "ok",
    object_type: str | None = None,
    object_id: Any = None,
    details: dict[str, Any] | None = None,
    operation_id: int | None = None,
    idempotency_key: str | None = None,
) -> None:
    """Add one event to the current transaction (it commits or rolls back with the change)."""
    db.session.execute(
        event_insert(
            action,
            actor=actor,
            now=now,
            outcome=outcome,
            object_type=object_type,
            object_id=object_id,
            details=details,
            operation_id=operation_id,
            idempotency_key=idempotency_key,
        )
    )


def event_insert(
    action: str,
    *,
    actor: Actor,
    now: datetime,
    outcome: str,
    object_type: str | None,
    object_id: Any,
    details: dict[str, Any] | None,
    operation_id: int | None,
    idempotency_key: str | None,
) -> Insert:
    """The INSERT of one event, for `record` or to send with other writes in one statement."""
    return insert(AuditEvent.__table__).values(
        operation_id=operation_id,
        actor_id=actor.user_id,
        on_behalf_of_id=actor.on_behalf_of_id,
        token_id=actor.token_id,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        outcome=outcome,
        details=encode(details),
        request_id=actor.request_id,
        client_address=actor.client_address,
        idempotency_key=idempotency_key,
        created_at=now,
    )


def record_alone(action: str, **event: Any) -> None:
    """Record an event that has no other write (a sign-in) in a transaction of its own."""
    write_transaction(lambda: record(action, **event))


def encode(details: dict[str, Any] | None) -> str | None:
    """Return the details as sorted, printable-ASCII JSON, without any secret-looking key."""
    if not details:
        return None
    return json.dumps(_clean(details), sort_keys=True, separators=(",", ":"), default=str)


def decode(text: str | None) -> dict[str, Any]:
    """Read stored details back (an old or hand-made row that is not JSON shows as text)."""
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {"text": text}
    return value if isinstance(value, dict) else {"value": value}


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            str(key): _clean(item) for key, item in value.items() if not SECRET_KEY.search(str(key))
        }
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [_clean(item) for item in items]
    if isinstance(value, str) and len(value) > MAX_TEXT:
        return value[:MAX_TEXT] + "…"
    return value
