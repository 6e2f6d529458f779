"""Requests insight: who gives lead time, who delivers on time, how often the baton is
handed on and where requests wait, and how points relate to requests met versus service
given before anyone asked.

Requests count when they were asked in the window and their customer or anyone in their
chain is in scope; points count as in the other insights (unreversed lines the scope
received in the window).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import func, select

from ledger import request_rules
from ledger.db import db
from ledger.models import Award, AwardLine, RequestAwardLine, ServiceRequest, User
from ledger.queries.insights.reach import InsightScope
from ledger.queries.requests import events_of

DAY = 86400


def request_insight(scope: InsightScope) -> dict[str, Any]:
    """Return lead time per customer and department, on-time rate per provider, hand-offs
    and waiting per state, and points for requests met versus proactive service."""
    requests = _requests_in(scope)
    events = events_of(request.id for request in requests)
    people = _people({r.customer_id for r in requests} | {e.actor_id for es in events.values()
                                                         for e in es})  # fmt: skip
    return {
        "scope": scope.scope,
        "since": scope.window.since,
        "until": scope.window.until,
        "requests": len(requests),
        "lead_time_by_customer": _lead_times(requests, people, by_department=False),
        "lead_time_by_department": _lead_times(requests, people, by_department=True),
        "on_time_by_provider": _on_time(requests, events, people),
        "handoffs": _handoffs(requests, events),
        "waiting_by_state": _waiting(requests, events, scope),
        "points": _points(scope),
    }


def _requests_in(scope: InsightScope) -> list[ServiceRequest]:
    query = select(ServiceRequest).where(
        ServiceRequest.asked_at >= scope.window.since, ServiceRequest.asked_at < scope.window.until
    )
    requests = list(db.session.scalars(query.order_by(ServiceRequest.id)))
    if scope.members is None:
        return requests
    events = events_of(request.id for request in requests)
    return [
        request
        for request in requests
        if request.customer_id in scope.members
        or any(event.holder_id in scope.members for event in events[request.id])
    ]


def _people(ids: set[int]) -> dict[int, User]:
    if not ids:
        return {}
    return {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(ids)))}


def _lead_times(requests, people, *, by_department: bool) -> list[dict[str, Any]]:
    """Per customer (or their department): requests asked, average and shortest notice, and
    how many came with less than a day's notice."""
    groups: dict[Any, list[int]] = defaultdict(list)
    for request in requests:
        customer = people[request.customer_id]
        key = customer.department.name if by_department and customer.department else (
            "No department" if by_department else customer.id)  # fmt: skip
        groups[key].append(request.lead_time_seconds)
    rows = []
    for key, leads in groups.items():
        row = {
            "requests": len(leads),
            "average_lead_time_seconds": sum(leads) // len(leads),
            "shortest_lead_time_seconds": min(leads),
            "under_a_day": sum(lead < DAY for lead in leads),
        }
        if by_department:
            row["department"] = key
        else:
            row["user"] = people[key].reference()
        rows.append(row)
    return sorted(rows, key=lambda row: (row["average_lead_time_seconds"], row["requests"]))


def _on_time(requests, events, people) -> list[dict[str, Any]]:
    """Per provider who delivered: deliveries, on time, and the on-time rate in percent."""
    tally: dict[int, list[bool]] = defaultdict(list)
    for request in requests:
        for event in events[request.id]:
            if event.kind == "delivered":
                tally[event.actor_id].append(event.created_at <= request.due_at)
    rows = [
        {"user": people[user_id].reference(), "delivered": len(marks), "on_time": sum(marks),
         "on_time_percent": round(100 * sum(marks) / len(marks))}
        for user_id, marks in tally.items()
    ]  # fmt: skip
    return sorted(rows, key=lambda row: (-row["on_time_percent"], -row["delivered"]))


def _handoffs(requests, events) -> dict[str, Any]:
    counts = [sum(e.kind == "handed_off" for e in events[request.id]) for request in requests]
    spread: dict[int, int] = defaultdict(int)
    for count in counts:
        spread[count] += 1
    return {
        "average": round(sum(counts) / len(counts), 2) if counts else 0,
        "most": max(counts, default=0),
        "requests_by_handoffs": [{"handoffs": k, "requests": v} for k, v in sorted(spread.items())],
    }


def _waiting(requests, events, scope: InsightScope) -> list[dict[str, Any]]:
    """Per state a request waits in (open, accepted, handed off, delivered): how long, on
    average and at most, until the next step (or until the window's end if none came)."""
    spans: dict[str, list[float]] = defaultdict(list)
    for request in requests:
        steps = events[request.id]
        for event, following in zip(steps, [*steps[1:], None], strict=True):
            state = request_rules.STATE_AFTER[event.kind]
            if state in request_rules.FINISHED:
                continue
            end = following.created_at if following else scope.window.until
            spans[state].append(max(0.0, (end - event.created_at).total_seconds()))
    rows = [
        {"state": state, "waits": len(values), "average_seconds": int(sum(values) / len(values)),
         "longest_seconds": int(max(values))}
        for state, values in spans.items()
    ]  # fmt: skip
    return sorted(rows, key=lambda row: -row["average_seconds"])


def _points(scope: InsightScope) -> dict[str, int]:
    """Points the scope received: for requests met, marked proactive, and the rest."""
    line = AwardLine
    kind = (
        select(
            func.sum(line.points).filter(RequestAwardLine.id.is_not(None)),
            func.sum(line.points).filter(RequestAwardLine.id.is_(None), Award.proactive),
            func.sum(line.points).filter(RequestAwardLine.id.is_(None), Award.proactive.is_(False)),
        )
        .select_from(line)
        .join(Award, Award.id == line.award_id)
        .outerjoin(RequestAwardLine, RequestAwardLine.award_line_id == line.id)
    )
    met, proactive, other = db.session.execute(scope.received(kind)).one()
    return {"requests_met": int(met or 0), "proactive": int(proactive or 0),
            "other": int(other or 0)}  # fmt: skip
