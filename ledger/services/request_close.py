"""Close a delivered request, optionally with an award to everyone in its chain, in one
operation: a refused award leaves the request delivered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select

from ledger import request_rules
from ledger.db import db
from ledger.models import AwardLine, RequestAwardLine, ServiceRequest, ServiceRequestEvent
from ledger.operations import Actor, IdempotencyKey, OperationResult
from ledger.services.awards import award_in
from ledger.services.requests import take_step


@dataclass(frozen=True)
class CloseAward:
    """What the customer gives each provider in the chain on closing."""

    points: int
    message: str
    service_kind: str


def close_request(
    request_id: int,
    *,
    by: int,
    now: datetime,
    note: str = "",
    award: CloseAward | None = None,
    actor: Actor | None = None,
    idempotency: IdempotencyKey | None = None,
) -> OperationResult:
    """Close a delivered request as its customer; with `award`, give each provider in the
    chain `award.points` through the award rules, from the customer's allowance."""

    def give(ctx, request: ServiceRequest, events: list[ServiceRequestEvent]) -> int | None:
        if award is None:
            return None
        chain = request_rules.chain_of([event.holder_id for event in events])
        facts = relay_facts(request, events, chain)
        outcome = award_in(
            ctx,
            giver=by,
            recipients=chain,
            points=award.points,
            message=award.message,
            service_kind=award.service_kind,
            actor=actor or Actor(by),
            request=facts,
        )
        _record_lines(outcome.object_id, request, chain, facts)
        return outcome.object_id

    return take_step(
        request_id,
        "close",
        by=by,
        now=now,
        note=note,
        actor=actor,
        idempotency=idempotency,
        on_close=give,
    )


def relay_facts(
    request: ServiceRequest, events: list[ServiceRequestEvent], chain: list[int]
) -> dict[str, Any]:
    """Say what an award on closing records: the request, the notice given, whether it came
    on time, and each provider's place in the chain (1 = who accepted it)."""
    delivered_at = next(event.created_at for event in events if event.kind == "delivered")
    return {
        "id": request.id,
        "lead_time_seconds": request.lead_time_seconds,
        "on_time": request_rules.on_time(delivered_at, request.due_at),
        "positions": [
            {"recipient_id": user_id, "position": index}
            for index, user_id in enumerate(chain, start=1)
        ],
    }


def _record_lines(award_id: int, request: ServiceRequest, chain: list[int], facts: dict) -> None:
    lines = db.session.execute(
        select(AwardLine.id, AwardLine.recipient_id).where(AwardLine.award_id == award_id)
    ).all()
    rows = [
        {
            "award_line_id": line_id,
            "request_id": request.id,
            "position": chain.index(recipient_id) + 1,
            "lead_time_seconds": facts["lead_time_seconds"],
            "on_time": facts["on_time"],
        }
        for line_id, recipient_id in lines
    ]
    db.session.execute(insert(RequestAwardLine), rows)
