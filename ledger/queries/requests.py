"""Read service requests: one request as its document, its facts for the rules, its events."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select

from ledger import request_rules
from ledger.db import db
from ledger.documents import timestamp, user_reference
from ledger.errors import NotFound
from ledger.i18n import Phrase
from ledger.models import (
    AwardLine,
    Department,
    RequestAwardLine,
    ServiceRequest,
    ServiceRequestEvent,
    User,
)
from ledger.queries.request_reach import can_see


def events_of(request_ids: Iterable[int]) -> dict[int, list[ServiceRequestEvent]]:
    """Return each request's events in order."""
    ids = sorted(set(request_ids))
    found: dict[int, list[ServiceRequestEvent]] = defaultdict(list)
    if not ids:
        return found
    rows = db.session.scalars(
        select(ServiceRequestEvent)
        .where(ServiceRequestEvent.request_id.in_(ids))
        .order_by(ServiceRequestEvent.request_id, ServiceRequestEvent.seq)
    )
    for event in rows:
        found[event.request_id].append(event)
    return found


def facts_of(
    request: ServiceRequest, events: list[ServiceRequestEvent]
) -> request_rules.RequestFacts:
    """Describe a request as it stands (its last event) for the rules."""
    last = events[-1]
    return request_rules.RequestFacts(
        state=request_rules.STATE_AFTER[last.kind],
        customer_id=request.customer_id,
        provider_id=request.provider_id,
        department_id=request.department_id,
        holder_id=last.holder_id,
    )


def locked_request(request_id: int) -> ServiceRequest | None:
    """Read a request and lock its row, so that steps on one request take turns."""
    return db.session.scalars(
        select(ServiceRequest)
        .where(ServiceRequest.id == request_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()


def request_for(viewer: User, request_id: int, *, now: datetime) -> dict[str, Any]:
    """Return a request's document if the viewer may see it; else NotFound."""
    request = db.session.get(ServiceRequest, request_id)
    events = events_of([request_id])[request_id] if request is not None else []
    if request is None or not can_see(viewer, request, events):
        raise NotFound(Phrase("There is no request {id} within your reach.", id=request_id))
    return documents([request], {request_id: events}, now=now)[0]


def check_visible(viewer: User, request_id: int) -> None:
    """Raise NotFound unless the viewer may see the request (the API's 404-first guard)."""
    request = db.session.get(ServiceRequest, request_id)
    events = events_of([request_id])[request_id] if request is not None else []
    if request is None or not can_see(viewer, request, events):
        raise NotFound(Phrase("There is no request {id} within your reach.", id=request_id))


def documents(
    requests: list[ServiceRequest],
    events: dict[int, list[ServiceRequestEvent]],
    *,
    now: datetime,
) -> list[dict[str, Any]]:
    """Describe requests as every adapter shows them, reading their people in one query."""
    ids: set[int] = set()
    for request in requests:
        ids.update(filter(None, (request.customer_id, request.provider_id)))
        for event in events[request.id]:
            ids.update(filter(None, (event.actor_id, event.holder_id)))
    people = {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(ids)))}
    department_ids = {request.department_id for request in requests if request.department_id}
    departments = {
        department.id: department
        for department in db.session.scalars(
            select(Department).where(Department.id.in_(department_ids))
        )
    }
    return [
        request_document(request, events[request.id], people, departments, now)
        for request in requests
    ]


def request_document(
    request: ServiceRequest,
    events: list[ServiceRequestEvent],
    people: dict[int, User],
    departments: dict[int, Department],
    now: datetime,
) -> dict[str, Any]:
    def ref(user_id: int | None) -> dict[str, Any] | None:
        return user_reference(people[user_id]) if user_id is not None else None

    facts = facts_of(request, events)
    delivered = next((event for event in events if event.kind == "delivered"), None)
    delivered_at = delivered.created_at if delivered else None
    closed = next((event for event in events if event.kind == "closed"), None)
    department = departments.get(request.department_id) if request.department_id else None
    holders = [event.holder_id for event in events]
    return {
        "id": request.id,
        "need": request.need,
        "customer": ref(request.customer_id),
        "provider": ref(request.provider_id),
        "department": {"id": department.id, "name": department.name} if department else None,
        "state": facts.state,
        "holder": ref(facts.holder_id),
        "asked_at": timestamp(request.asked_at),
        "due_at": timestamp(request.due_at),
        "lead_time_seconds": request.lead_time_seconds,
        "delivered_at": timestamp(delivered_at) if delivered_at else None,
        "on_time": request_rules.on_time(delivered_at, request.due_at),
        "overdue": request_rules.is_overdue(facts.state, request.due_at, now),
        "chain": [ref(user_id) for user_id in request_rules.chain_of(holders)],
        "events": [_event_document(event, ref) for event in events],
        "award_id": closed.award_id if closed else None,
    }


def _event_document(event: ServiceRequestEvent, ref) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "kind": event.kind,
        "at": timestamp(event.created_at),
        "actor": ref(event.actor_id),
        "holder": ref(event.holder_id),
        "note": event.note,
    }


def award_request_facts(award_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Return, per award given on closing a request, what its lines record of the request."""
    ids = sorted(set(award_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(AwardLine.award_id, AwardLine.recipient_id, RequestAwardLine)
        .join(RequestAwardLine, RequestAwardLine.award_line_id == AwardLine.id)
        .where(AwardLine.award_id.in_(ids))
        .order_by(AwardLine.award_id, RequestAwardLine.position)
    ).all()
    found: dict[int, dict[str, Any]] = {}
    for award_id, recipient_id, line in rows:
        facts = found.setdefault(
            award_id,
            {
                "id": line.request_id,
                "lead_time_seconds": line.lead_time_seconds,
                "on_time": line.on_time,
                "positions": [],
            },
        )
        facts["positions"].append({"recipient_id": recipient_id, "position": line.position})
    return found
