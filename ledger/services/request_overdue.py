"""Tell subscribers once when a request passes its due time undelivered (`request.overdue`).

The worker runs this between deliveries (ledger.delivery.schedule). Several workers may run
it at once: each locks the requests it reports, then looks again for a report already
written, so each request is reported overdue once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, and_, cast, exists, func, select
from sqlalchemy.orm import aliased

from ledger import request_rules
from ledger.db import db
from ledger.models import OutboxEvent, ServiceRequest, ServiceRequestEvent
from ledger.operations import Actor, Outcome, run_operation
from ledger.queries.requests import documents, events_of

EVENT = "request.overdue"
BATCH = 500
WAITING_KINDS = [kind for kind, state in request_rules.STATE_AFTER.items()
                 if state in request_rules.WAITING]  # fmt: skip


def report_overdue(*, now: datetime, actor: Actor) -> int:
    """Append one `request.overdue` event per newly overdue request; return how many."""
    if not _unreported(now):
        return 0  # the common case writes nothing, not even an operation

    def body(ctx):
        # Lock the requests first, then look for reports again in a statement of its own:
        # one another worker committed meanwhile is seen, so no request is reported twice.
        found = _unreported(now)
        locked = select(ServiceRequest.id).where(ServiceRequest.id.in_(found))
        db.session.scalars(locked.order_by(ServiceRequest.id).with_for_update()).all()
        ids = _unreported(now, among_ids=found)
        requests = list(
            db.session.scalars(select(ServiceRequest).where(ServiceRequest.id.in_(ids)))
        )
        for document in documents(requests, events_of(ids), now=now):
            ctx.emit(EVENT, document, "service_request", document["id"])
        return Outcome({"reported": len(ids)}, details={"reported": len(ids)})

    return run_operation("request_overdue", body, now=now, actor=actor).document["reported"]


def _unreported(now: datetime, among_ids: list[int] | None = None) -> list[int]:
    """Return the ids of waiting requests past due with no overdue event yet (at most BATCH)."""
    latest = (
        select(ServiceRequestEvent.request_id, func.max(ServiceRequestEvent.seq).label("seq"))
        .group_by(ServiceRequestEvent.request_id)
        .subquery()
    )
    current = aliased(ServiceRequestEvent)
    reported = exists().where(
        OutboxEvent.object_type == "service_request",
        OutboxEvent.object_id == cast(ServiceRequest.id, String),
        OutboxEvent.type == EVENT,
    )
    query = (
        select(ServiceRequest.id)
        .join(latest, latest.c.request_id == ServiceRequest.id)
        .join(current, and_(current.request_id == ServiceRequest.id, current.seq == latest.c.seq))
        .where(ServiceRequest.due_at < now, current.kind.in_(WAITING_KINDS), ~reported)
        .order_by(ServiceRequest.id)
        .limit(BATCH)
    )
    if among_ids is not None:
        query = query.where(ServiceRequest.id.in_(among_ids))
    return list(db.session.scalars(query))
