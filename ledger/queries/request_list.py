"""List service requests within a viewer's reach, newest first, by role, department, state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from ledger import request_rules
from ledger.db import db
from ledger.models import ServiceRequest, ServiceRequestEvent, User
from ledger.queries.request_reach import served_by, visible_to
from ledger.queries.requests import documents, events_of

KINDS_OF_STATE = {state: kind for kind, state in request_rules.STATE_AFTER.items()}


@dataclass(frozen=True)
class RequestFilter:
    """What a list of requests asks for; None means any."""

    role: str | None = None  # "customer" or "provider": the viewer's own requests
    department_id: int | None = None
    states: tuple[str, ...] = ()
    overdue: bool | None = None


def list_requests(
    viewer: User,
    filters: RequestFilter,
    *,
    now: datetime,
    limit: int = 50,
    before_id: int | None = None,
) -> list[dict[str, Any]]:
    """Return up to `limit` request documents the viewer may see, newest first."""
    latest = (
        select(
            ServiceRequestEvent.request_id.label("request_id"),
            func.max(ServiceRequestEvent.seq).label("seq"),
        )
        .group_by(ServiceRequestEvent.request_id)
        .subquery()
    )
    current = aliased(ServiceRequestEvent)
    query = (
        select(ServiceRequest)
        .join(latest, latest.c.request_id == ServiceRequest.id)
        .join(current, and_(current.request_id == latest.c.request_id, current.seq == latest.c.seq))
        .where(visible_to(viewer))
    )
    if filters.role == "customer":
        query = query.where(ServiceRequest.customer_id == viewer.id)
    elif filters.role == "provider":
        query = query.where(served_by(viewer.id))
    if filters.department_id is not None:
        query = query.where(ServiceRequest.department_id == filters.department_id)
    if filters.states:
        query = query.where(current.kind.in_([KINDS_OF_STATE[state] for state in filters.states]))
    if filters.overdue is not None:
        waiting = [KINDS_OF_STATE[state] for state in request_rules.WAITING]
        overdue = and_(current.kind.in_(waiting), ServiceRequest.due_at < now)
        query = query.where(overdue if filters.overdue else ~overdue)
    if before_id is not None:
        query = query.where(ServiceRequest.id < before_id)
    rows = list(db.session.scalars(query.order_by(ServiceRequest.id.desc()).limit(limit)))
    return documents(rows, events_of(row.id for row in rows), now=now)
