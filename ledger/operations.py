"""Operations: one transaction per write, with its audit event and idempotency record."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import DBAPIError

from ledger import audit, metrics
from ledger.db import db, upsert, write_transaction
from ledger.errors import IdempotencyInFlight, IdempotencyKeyReused, LedgerError
from ledger.models import Operation, OutboxEvent
from ledger.outbox import Event, event_rows

LOCK_NOT_AVAILABLE = "55P03"


@dataclass(frozen=True)
class IdempotencyKey:
    """A client's key for one write: unique per principal, bound to one request."""

    principal: str
    key: str
    request_hash: str


@dataclass(frozen=True)
class Actor:
    """Who asks for an operation: the authenticated user and, for audit, the request."""

    user_id: int | None
    on_behalf_of_id: int | None = None
    request_id: str | None = None
    token_id: int | None = None  # the API token used, if any (its id, never the secret)
    client_address: str | None = None  # as ProxyFix sees it


@dataclass(frozen=True)
class OperationResult:
    document: dict[str, Any]
    replayed: bool
    operation_id: int


@dataclass
class OperationContext:
    operation_id: int
    now: datetime
    transfer_count: int = 0
    events: list[Event] = field(default_factory=list)

    def emit(self, type_: str, data: dict[str, Any], object_type: str, object_id: Any) -> None:
        """Tell subscribers about this operation's effect once it commits (DESIGN "Events")."""
        self.events.append(Event(type_, data, object_type, object_id))


@dataclass
class Outcome:
    """What an operation body returns: its result document and what the audit names."""

    document: dict[str, Any]
    object_type: str | None = None
    object_id: Any = None
    details: dict[str, Any] = field(default_factory=dict)


def request_hash(*parts: Any) -> str:
    """Hash a request's method, path and parsed body (or any values) canonically."""
    canonical = json.dumps(
        parts, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    # surrogatepass: a lone surrogate must not turn a hash into a crash (the edges refuse it).
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def canonical(document: dict[str, Any]) -> str:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def run_operation(
    kind: str,
    body: Callable[[OperationContext], Outcome],
    *,
    now: datetime,
    actor: Actor,
    idempotency: IdempotencyKey | None = None,
) -> OperationResult:
    """Run `body` as one operation; replay or refuse a reused key; store domain rejections."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")

    def work() -> tuple[str, dict[str, Any], int, bool]:
        claimed = _claim(kind, idempotency, now)
        if isinstance(claimed, Operation):
            return claimed.status, json.loads(claimed.result or "{}"), claimed.id, True
        ctx = OperationContext(claimed, now)
        if idempotency is None:
            return _finish(ctx, kind, actor, idempotency, body(ctx))
        savepoint = db.session.begin_nested()
        try:
            outcome = body(ctx)
        except LedgerError as error:
            savepoint.rollback()
            # The savepoint took back every transfer the body posted before it refused.
            ctx.transfer_count = 0
            return _reject(ctx, kind, actor, idempotency, error)
        savepoint.commit()
        return _finish(ctx, kind, actor, idempotency, outcome)

    try:
        status, document, operation_id, replayed = write_transaction(work)
    except LedgerError as error:
        metrics.operation_decided(kind, error.code, replayed=False)
        raise
    if status == "rejected":
        error = LedgerError.from_document(document)
        error.replayed = replayed
        metrics.operation_decided(kind, error.code, replayed=replayed)
        raise error
    metrics.operation_decided(kind, "ok", replayed=replayed)
    return OperationResult(document, replayed, operation_id)


def _claim(kind: str, idempotency: IdempotencyKey | None, now: datetime) -> int | Operation:
    """Insert the operation row first; on a known key, return the stored operation."""
    if idempotency is None:
        return db.session.execute(
            insert(Operation)
            .values(kind=kind, status="pending", created_at=now)
            .returning(Operation.id)
        ).scalar_one()
    statement = upsert(
        Operation,
        {
            "kind": kind,
            "principal": idempotency.principal,
            "idempotency_key": idempotency.key,
            "request_hash": idempotency.request_hash,
            "status": "pending",
            "created_at": now,
        },
        ["principal", "idempotency_key"],
        "idempotency_key IS NOT NULL",
    ).returning(Operation.id)
    try:
        operation_id = db.session.execute(statement).scalar()
    except DBAPIError as error:
        if getattr(error.orig, "sqlstate", None) == LOCK_NOT_AVAILABLE:
            raise IdempotencyInFlight() from error
        raise
    if operation_id is not None:
        return operation_id
    stored = db.session.scalars(
        select(Operation)
        .where(
            Operation.principal == idempotency.principal,
            Operation.idempotency_key == idempotency.key,
        )
        .execution_options(populate_existing=True)
    ).one()
    if stored.request_hash != idempotency.request_hash:
        raise IdempotencyKeyReused()
    return stored


def _finish(ctx, kind, actor, idempotency, outcome: Outcome):
    # Only a body that finished writes its events: a refusal rolled back to the savepoint and
    # a replay never ran the body, so neither tells anyone.
    _record(ctx, kind, actor, idempotency, "done", outcome.document, outcome, "ok", ctx.events)
    return "done", outcome.document, ctx.operation_id, False


def _reject(ctx, kind, actor, idempotency, error: LedgerError):
    document = error.to_document()
    _record(ctx, kind, actor, idempotency, "rejected", document, None, error.code, [])
    return "rejected", document, ctx.operation_id, False


# Up to this many outbox events join the result and the audit event in one statement (7 bind
# parameters each); an award has one or two.
ONE_STATEMENT_EVENTS = 100


def _record(ctx, kind, actor: Actor, idempotency, status, document, outcome, result_code, events):
    """Store the result, the audit event and the outbox events: one statement on PostgreSQL
    (data-modifying CTEs), three on SQLite, which has no DML in a WITH, and three as well for an
    operation with many events (an HR import), whose one VALUES list would pass PostgreSQL's
    65,535 bind parameters; the outbox rows then go as one executemany."""
    # Round-trip through JSON so the first answer is built from what a replay will read.
    stored = canonical(document)
    document.clear()
    document.update(json.loads(stored))
    result = (
        update(Operation.__table__)
        .where(Operation.id == ctx.operation_id)
        .values(status=status, result=stored, transfer_count=ctx.transfer_count)
    )
    event = audit.event_insert(
        kind,
        actor=actor,
        now=ctx.now,
        outcome=result_code,
        object_type=outcome.object_type if outcome else None,
        object_id=outcome.object_id if outcome else None,
        details=outcome.details if outcome else None,
        operation_id=ctx.operation_id,
        idempotency_key=idempotency.key if idempotency else None,
    )
    rows = event_rows(events, now=ctx.now, operation_id=ctx.operation_id)
    if db.session.get_bind().dialect.name != "postgresql" or len(rows) > ONE_STATEMENT_EVENTS:
        db.session.execute(result)
        db.session.execute(event)
        if rows:
            db.session.execute(insert(OutboxEvent.__table__), rows)
        return
    statement = event.add_cte(result.cte("result"))
    if rows:
        statement = (
            insert(OutboxEvent.__table__)
            .values(rows)
            .add_cte(result.cte("result"), event.cte("audit"))
        )
    db.session.execute(statement)
