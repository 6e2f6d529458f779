"""Webhook endpoints for admins: create (the secret shown once), list, delete, retry."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select, update

from ledger.db import db
from ledger.delivery import safety
from ledger.delivery.secrets import new_secret, seal
from ledger.documents import timestamp
from ledger.errors import NotFound, ValidationFailed
from ledger.i18n import Phrase
from ledger.models import Delivery, OutboxEvent, Webhook
from ledger.operations import Actor, Outcome, run_operation
from ledger.outbox import EVENT_TYPES

MAX_DESCRIPTION = 500


def create_webhook(
    url: str, events: Sequence[str], *, description: str = "", now: datetime, actor: Actor
) -> dict[str, Any]:
    """Add an endpoint; the result holds the signing `secret`, which is never shown again."""
    clean_url = safety.check_url(url, safety.policy())
    wanted = _events(events)
    text = (description or "").strip()
    if len(text) > MAX_DESCRIPTION or not safety.printable(text):
        raise ValidationFailed(
            Phrase(
                "A description has at most {MAX_DESCRIPTION} characters, none of them control "
                "characters.",
                MAX_DESCRIPTION=MAX_DESCRIPTION,
            ),
            field="description",
        )
    secret = new_secret()

    def body(ctx):
        hook = Webhook(
            url=clean_url,
            description=text,
            events=json.dumps(wanted),
            secret=seal(secret),
            active=True,
            created_by_id=actor.user_id,
            created_at=now,
        )
        db.session.add(hook)
        db.session.flush()
        # The stored result (and its replay) never holds the secret.
        # Only the origin: a path, query or user part may hold the receiver's credential.
        parts = urlsplit(clean_url)
        origin = f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")
        return Outcome(
            webhook_document(hook), "webhook", hook.id, {"origin": origin, "events": wanted}
        )

    document = run_operation("webhook_create", body, now=now, actor=actor).document
    return {**document, "secret": secret}


def webhook_document(hook: Webhook) -> dict[str, Any]:
    """Describe an endpoint as the API shows it (never its secret)."""
    return {
        "id": hook.id,
        "url": hook.url,
        "description": hook.description,
        "events": json.loads(hook.events),
        "active": hook.active,
        "created_at": timestamp(hook.created_at),
        "disabled_at": timestamp(hook.disabled_at) if hook.disabled_at else None,
        "disabled_reason": hook.disabled_reason,
    }


def list_webhooks() -> list[dict[str, Any]]:
    """Return every endpoint not deleted, oldest first."""
    hooks = db.session.scalars(
        select(Webhook).where(Webhook.deleted_at.is_(None)).order_by(Webhook.id)
    )
    return [webhook_document(hook) for hook in hooks]


def webhook_by_id(webhook_id: int) -> dict[str, Any]:
    """Return one endpoint; NotFound when it never existed or was deleted."""
    return webhook_document(_live(webhook_id))


def delete_webhook(webhook_id: int, *, now: datetime, actor: Actor) -> None:
    """Stop an endpoint for good: its pending deliveries fail; its history stays.

    Deleting it again changes nothing and is not an error (DELETE is idempotent).
    """

    def body(ctx):
        hook = db.session.get(Webhook, webhook_id, with_for_update=True, populate_existing=True)
        if hook is None:
            raise NotFound(Phrase("There is no webhook {webhook_id}.", webhook_id=webhook_id))
        if hook.deleted_at is not None:
            return Outcome({"id": hook.id, "deleted": True}, "webhook", hook.id)
        hook.deleted_at, hook.active = now, False
        db.session.execute(
            update(Delivery)
            .where(Delivery.webhook_id == hook.id, Delivery.status == "pending")
            .values(status="failed", claim_token=None, last_error="The endpoint was deleted.")
            .execution_options(synchronize_session=False)
        )
        return Outcome({"id": hook.id, "deleted": True}, "webhook", hook.id)

    run_operation("webhook_delete", body, now=now, actor=actor)


def webhook_deliveries(
    webhook_id: int, *, limit: int, before_id: int | None = None
) -> list[dict[str, Any]]:
    """Return an endpoint's deliveries, newest first, from just below `before_id` on."""
    _live(webhook_id)
    query = (
        select(Delivery, OutboxEvent)
        .join(OutboxEvent, OutboxEvent.id == Delivery.event_id)
        .where(Delivery.webhook_id == webhook_id)
        .order_by(Delivery.id.desc())
        .limit(limit)
    )
    if before_id is not None:
        query = query.where(Delivery.id < before_id)
    return [delivery_document(d, e) for d, e in db.session.execute(query).all()]


def retry_delivery(
    webhook_id: int, delivery_id: int, *, now: datetime, actor: Actor
) -> dict[str, Any]:
    """Send a delivery again now; a disabled endpoint is switched back on to receive it."""

    def body(ctx):
        hook = _live(webhook_id, lock=True)
        delivery = db.session.scalars(
            select(Delivery)
            .where(Delivery.id == delivery_id, Delivery.webhook_id == hook.id)
            .with_for_update()
        ).first()
        if delivery is None:
            raise NotFound(
                Phrase(
                    "Webhook {webhook_id} has no delivery {delivery_id}.",
                    webhook_id=webhook_id,
                    delivery_id=delivery_id,
                )
            )
        if not hook.active:
            hook.active, hook.disabled_at, hook.disabled_reason = True, None, None
        delivery.status, delivery.next_attempt_at, delivery.claim_token = "pending", now, None
        db.session.flush()
        event = db.session.get(OutboxEvent, delivery.event_id)
        return Outcome(delivery_document(delivery, event), "delivery", delivery.id)

    return run_operation("webhook_retry", body, now=now, actor=actor).document


def delivery_document(delivery: Delivery, event: OutboxEvent) -> dict[str, Any]:
    """Describe one delivery: its event, status, attempts and the endpoint's last answer."""
    return {
        "id": delivery.id,
        "event_id": event.uid,
        "event_type": event.type,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "last_status_code": delivery.last_status_code,
        "last_error": delivery.last_error,
        "last_response": delivery.last_response,
        "next_attempt_at": (
            timestamp(delivery.next_attempt_at) if delivery.status == "pending" else None
        ),
        "last_attempt_at": timestamp(delivery.last_attempt_at)
        if delivery.last_attempt_at
        else None,
        "delivered_at": timestamp(delivery.delivered_at) if delivery.delivered_at else None,
        "created_at": timestamp(delivery.created_at),
    }


def _maybe(moment: datetime | None) -> str | None:
    return timestamp(moment) if moment is not None else None


def _events(events: Sequence[str]) -> list[str]:
    unknown = sorted(set(events) - set(EVENT_TYPES))
    if unknown or not events:
        raise ValidationFailed(
            Phrase("Subscribe to one or more of: {choices}.", choices=", ".join(EVENT_TYPES)),
            field="events",
        )
    return sorted(set(events))


def _live(webhook_id: int, *, lock: bool = False) -> Webhook:
    hook = db.session.get(Webhook, webhook_id, with_for_update=lock, populate_existing=True)
    if hook is None or hook.deleted_at is not None:
        raise NotFound(Phrase("There is no webhook {webhook_id}.", webhook_id=webhook_id))
    return hook
