"""Who may see a service request: its customer, its providers, their managers, the members of
the department it was queued to, and admins; not the whole company."""

from __future__ import annotations

from sqlalchemy import exists, or_, true
from sqlalchemy.sql import ColumnElement

from ledger.id_lists import among
from ledger.models import ServiceRequest, ServiceRequestEvent, User
from ledger.queries.org import managers_above, subtree


def parties(request: ServiceRequest, events: list[ServiceRequestEvent]) -> set[int]:
    """Return the people a request involves: its customer, the provider asked, the chain."""
    found = {request.customer_id}
    if request.provider_id is not None:
        found.add(request.provider_id)
    for event in events:
        found.add(event.actor_id)
        if event.holder_id is not None:
            found.add(event.holder_id)
    return found


def can_see(viewer: User, request: ServiceRequest, events: list[ServiceRequestEvent]) -> bool:
    """Tell whether the viewer may read the request, its notes and its relay."""
    if viewer.role == "admin":
        return True
    involved = parties(request, events)
    if viewer.id in involved:
        return True
    if request.department_id is not None and viewer.department_id == request.department_id:
        return True
    return any(viewer.id in chain for chain in managers_above(involved).values())


def visible_to(viewer: User) -> ColumnElement[bool]:
    """The condition on ServiceRequest rows that `can_see` states, for lists."""
    if viewer.role == "admin":
        return true()
    reach = subtree(viewer.id) | {viewer.id}
    event = ServiceRequestEvent
    in_chain = exists().where(
        event.request_id == ServiceRequest.id,
        or_(among(event.holder_id, reach), among(event.actor_id, reach)),
    )
    conditions = [
        among(ServiceRequest.customer_id, reach),
        among(ServiceRequest.provider_id, reach),
        in_chain,
    ]
    if viewer.department_id is not None:
        conditions.append(ServiceRequest.department_id == viewer.department_id)
    return or_(*conditions)


def served_by(user_id: int) -> ColumnElement[bool]:
    """Requests a person was asked for by name or has held as a provider."""
    held = exists().where(
        ServiceRequestEvent.request_id == ServiceRequest.id,
        ServiceRequestEvent.holder_id == user_id,
    )
    return or_(ServiceRequest.provider_id == user_id, held)
