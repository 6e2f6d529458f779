"""Read the audit trail: newest first, filtered by person, action and time, a page at a time."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select

from ledger.audit import decode
from ledger.db import db
from ledger.models import AuditEvent, User

PAGE = 50
# Shown as \uXXXX on the page and in CSV: C1 controls, line and paragraph separators and the
# bidi and zero-width marks that could make one value look like another (C0 controls are
# already escaped by JSON).
INVISIBLE = re.compile("[\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


@dataclass(frozen=True)
class AuditFilter:
    person_id: int | None = None  # who acted, for whom, or whom the event is about
    action: str | None = None
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive


def audit_events(
    filters: AuditFilter, *, limit: int | None = None, before: int | None = None
) -> list[dict[str, Any]]:
    """Return matching events as documents, newest first; `before` continues after an id."""
    query = select(AuditEvent).where(*_conditions(filters)).order_by(AuditEvent.id.desc())
    if before is not None:
        query = query.where(AuditEvent.id < before)
    if limit is not None:
        query = query.limit(limit)
    events = list(db.session.scalars(query))
    ids = {e.actor_id for e in events} | {e.on_behalf_of_id for e in events}
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids - {None})))}
    return [_document(event, people) for event in events]


def audit_actions() -> list[str]:
    """Every action the trail holds, for a filter's choices."""
    return list(db.session.scalars(select(AuditEvent.action).distinct().order_by("action")))


def everyone() -> list[dict[str, Any]]:
    """Every person and service account, inactive ones too, for the person filter."""
    return [user.reference() for user in db.session.scalars(select(User).order_by(User.name))]


def readable(details: dict[str, Any]) -> str:
    """Render details on one line: JSON, with every control or invisible character escaped."""
    if not details:
        return ""
    text = json.dumps(details, sort_keys=True, ensure_ascii=False, separators=(", ", ": "))
    return INVISIBLE.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def _conditions(filters: AuditFilter) -> list:
    found = []
    if filters.person_id is not None:
        person = filters.person_id
        about = and_(AuditEvent.object_type == "user", AuditEvent.object_id == str(person))
        found.append(
            or_(AuditEvent.actor_id == person, AuditEvent.on_behalf_of_id == person, about)
        )
    if filters.action:
        found.append(AuditEvent.action == filters.action)
    if filters.since is not None:
        found.append(AuditEvent.created_at >= filters.since)
    if filters.until is not None:
        found.append(AuditEvent.created_at < filters.until)
    return found


def _document(event: AuditEvent, people: dict[int, User]) -> dict[str, Any]:
    def person(user_id: int | None) -> dict | None:
        return people[user_id].reference() if user_id in people else None

    return {
        "id": event.id,
        "created_at": event.created_at,
        "action": event.action,
        "outcome": event.outcome,
        "actor": person(event.actor_id),
        "on_behalf_of": person(event.on_behalf_of_id),
        "token_id": event.token_id,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "details": decode(event.details),
        "operation_id": event.operation_id,
        "request_id": event.request_id,
        "idempotency_key": event.idempotency_key,
        "client_address": event.client_address,
    }
