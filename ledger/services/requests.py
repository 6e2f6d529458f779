"""Service requests: ask for help, then each step of the relay, one operation per step."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select

from ledger import calendar, request_rules, settings
from ledger.db import db
from ledger.errors import Forbidden, NotFound, ValidationFailed
from ledger.i18n import N_, Phrase
from ledger.models import Department, ServiceRequest, ServiceRequestEvent, User
from ledger.operations import Actor, IdempotencyKey, OperationResult, Outcome, run_operation
from ledger.queries.request_reach import can_see
from ledger.queries.requests import documents, events_of, facts_of, locked_request
from ledger.request_errors import SelfRequest, UnknownProvider
from ledger.text import storable

# The steps subscribers hear about (DESIGN.md "Events"); the others are in each document.
TOLD = {"opened": "request.created", "handed_off": "request.handed_off",
        "delivered": "request.delivered"}  # fmt: skip


def open_request(
    *,
    customer: int,
    need: str,
    due_at: date | datetime,
    now: datetime,
    provider: int | str | None = None,
    department: int | None = None,
    actor: Actor | None = None,
    idempotency: IdempotencyKey | None = None,
) -> OperationResult:
    """Ask a person or a department's queue for help by `due_at` (a date: the end of that
    local day); records the lead time."""

    def body(ctx):
        asker = _active_person(customer)
        text = request_rules.check_need(need)
        if (provider is None) == (department is None):
            raise ValidationFailed(N_("Name either a provider or a department."), field="provider")
        provider_id = _provider(provider).id if provider is not None else None
        if provider_id == asker.id:
            raise SelfRequest(field="provider")
        if department is not None and db.session.get(Department, department) is None:
            raise ValidationFailed(
                Phrase("There is no department {id}.", id=department), field="department"
            )
        due = _due_instant(due_at)
        lead = request_rules.lead_time_seconds(now, due)
        request_id = db.session.execute(
            insert(ServiceRequest)
            .values(
                operation_id=ctx.operation_id,
                customer_id=asker.id,
                provider_id=provider_id,
                department_id=department,
                need=text,
                asked_at=now,
                due_at=due,
                lead_time_seconds=lead,
            )
            .returning(ServiceRequest.id)
        ).scalar_one()
        _append(ctx, request_id, 1, "opened", asker.id, None, "")
        return _outcome(ctx, request_id, "opened", {"lead_time_seconds": lead})

    return run_operation(
        "request_open", body, now=now, actor=actor or Actor(customer), idempotency=idempotency
    )


def take_step(
    request_id: int,
    action: str,
    *,
    by: int,
    now: datetime,
    note: str = "",
    to: int | str | None = None,
    actor: Actor | None = None,
    idempotency: IdempotencyKey | None = None,
    on_close: Callable[..., int | None] | None = None,
) -> OperationResult:
    """Take one step of the relay (accept, handoff, deliver, close, withdraw, decline).

    The request's row is locked first, so steps on one request take turns and each is
    checked against the state the one before it left. `on_close(ctx, request, events)` runs
    inside the close and returns the id of the award it gave, if any.
    """
    if action not in request_rules.ACTIONS:
        raise ValueError(f"unknown step {action!r}")

    def body(ctx):
        request = locked_request(request_id)
        person = _active_person(by)
        events = events_of([request_id])[request_id] if request is not None else []
        if request is None or not can_see(person, request, events):
            raise NotFound(Phrase("There is no request {id} within your reach.", id=request_id))
        facts = facts_of(request, events)
        request_rules.check_step(action, facts, person.id, person.department_id)
        text = request_rules.check_note(action, note)
        holder = facts.holder_id
        if action == "accept":
            holder = person.id
        elif action == "handoff":
            holder = _handoff_target(facts, to)
        award_id = on_close(ctx, request, events) if action == "close" and on_close else None
        kind = request_rules.EVENT_OF[action]
        seq = events[-1].seq + 1
        _append(ctx, request_id, seq, kind, person.id, holder, text, award_id)
        return _outcome(ctx, request_id, kind, {"step": action, "seq": seq})

    return run_operation(
        f"request_{action}", body, now=now, actor=actor or Actor(by), idempotency=idempotency
    )


def _append(ctx, request_id, seq, kind, actor_id, holder_id, note, award_id=None) -> None:
    row = {"request_id": request_id, "seq": seq, "kind": kind, "actor_id": actor_id,
           "holder_id": holder_id, "note": note, "award_id": award_id,
           "operation_id": ctx.operation_id, "created_at": ctx.now}  # fmt: skip
    db.session.execute(insert(ServiceRequestEvent).values(**row))


def _outcome(ctx, request_id: int, kind: str, details: dict[str, Any]) -> Outcome:
    request = db.session.get(ServiceRequest, request_id)
    document = documents([request], events_of([request_id]), now=ctx.now)[0]
    if kind in TOLD:
        ctx.emit(TOLD[kind], document, "service_request", request_id)
    return Outcome(document, "service_request", request_id, details)


def _handoff_target(facts: request_rules.RequestFacts, to: int | str | None) -> int:
    if to is None:
        raise ValidationFailed(N_("Name the provider you hand the request to."), field="to")
    target = _provider(to, field="to")
    request_rules.check_handoff_target(facts, target.id)
    return target.id


def _due_instant(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValidationFailed(N_("Give the due time with an offset."), field="due_at")
        return value
    return calendar.local_midnight(value + timedelta(days=1), settings.timezone())


def _active_person(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.kind != "person":
        raise Forbidden(N_("Only active people can ask for help or serve a request."))
    return user


def _provider(value: int | str, *, field: str = "provider") -> User:
    """Find an active person by id or email; refuse anyone else as a provider."""
    if isinstance(value, int):
        user = db.session.get(User, value)
    elif storable(value):
        user = db.session.scalars(select(User).where(User.email == value.strip().lower())).first()
    else:
        user = None
    if user is None or not user.active or user.kind != "person":
        raise UnknownProvider(
            Phrase("No active person in the directory matches {value}.", value=repr(value)),
            field=field,
        )
    return user
