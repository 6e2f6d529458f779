"""Carry out a chat command for the person behind a chat account; answers are documents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ledger.chat import grammar
from ledger.chat.links import offer_link
from ledger.chat.people import person_for_slack, resolve_mentions
from ledger.errors import LedgerError, ValidationFailed
from ledger.i18n import N_
from ledger.operations import Actor, IdempotencyKey, request_hash
from ledger.queries.balances import balances
from ledger.queries.service_kinds import active_kind_codes
from ledger.services.awards import award_points


@dataclass(frozen=True)
class ChatRequest:
    """A slash command as the chat tool sent it; `request_key` identifies it across retries."""

    team_id: str
    user_id: str
    user_name: str | None
    text: str
    request_key: str


def run_command(chat: ChatRequest, *, now: datetime) -> dict[str, Any]:
    """Read and carry out one command; return what to answer (`type` says which answer)."""
    command = grammar.parse(chat.text)
    if isinstance(command, grammar.Help):
        return {"type": "help", "service_kinds": active_kind_codes()}
    if isinstance(command, grammar.Unreadable):
        return {
            "type": "unreadable",
            "reason": command.reason,
            "service_kinds": active_kind_codes(),
        }
    person = person_for_slack(chat.user_id)
    if person is None:
        token, _ = offer_link(chat.user_id, team_id=chat.team_id, handle=chat.user_name, now=now)
        return {"type": "link_needed", "token": token}
    if not person.active:
        return _refused(LedgerError("Your Baton account is inactive."), "forbidden")
    if isinstance(command, grammar.Balance):
        return {"type": "balance", "balances": balances(person.id, now)}
    return _give(command, chat, person.id, now)


def _give(command: grammar.Give, chat: ChatRequest, giver_id: int, now: datetime) -> dict:
    try:
        if command.service_kind is None:
            raise ValidationFailed(
                N_("Name how they served you with a #kind, e.g. #handoff."), field="service_kind"
            )
        recipients = resolve_mentions(command.mentions)
        result = award_points(
            giver=giver_id,
            recipients=recipients,
            points=command.points,
            message=command.message,
            service_kind=command.service_kind,
            now=now,
            actor=Actor(giver_id, request_id="slack"),
            # A retry of the same Slack request carries the same body, so the same key.
            idempotency=IdempotencyKey(
                principal=f"user:{giver_id}",
                key=f"slack:{chat.request_key}",
                request_hash=request_hash("slack", chat.team_id, chat.user_id, chat.text),
            ),
        )
    except LedgerError as error:
        answer = _refused(error)
        if error.code == "validation_error" and error.details.get("field") == "service_kind":
            answer["service_kinds"] = active_kind_codes()
        return answer
    return {"type": "awarded", "award": result.document, "replayed": result.replayed}


def _refused(error: LedgerError, code: str | None = None) -> dict[str, Any]:
    return {"type": "refused", "code": code or error.code, "message": error.message}
