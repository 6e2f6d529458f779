"""The webhook channel: signed POSTs by the Standard Webhooks specification."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import urllib3
from sqlalchemy import select
from standardwebhooks.webhooks import Webhook as Signer

from ledger.db import db
from ledger.delivery import outbound, safety
from ledger.delivery.channels import Attempt, Job, Subscriber
from ledger.delivery.secrets import unseal
from ledger.documents import timestamp
from ledger.errors import ValidationFailed
from ledger.models import Delivery, OutboxEvent, User, Webhook
from ledger.notifications import notify_without_operation
from ledger.outbox import EVENT_TYPES, Event, append

log = logging.getLogger("baton.webhooks")


@dataclass(frozen=True)
class Target:
    """What sending to one endpoint needs, read inside the claim."""

    url: str
    secret: str | None
    rules: safety.Policy


def body(job: Job) -> bytes:
    """Return the request body: the event's type, time and the object's API document."""
    document = {
        "type": job.event_type,
        "timestamp": timestamp(job.event_created_at),
        "data": job.event_data,
    }
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()


def signed_headers(job: Job, secret: str, payload: bytes, now: datetime) -> dict[str, str]:
    """Sign one attempt; `webhook-id` is the event's, so every retry repeats it."""
    signature = Signer(secret).sign(job.event_uid, now, payload.decode())
    return {
        "Content-Type": "application/json",
        "User-Agent": "Baton-Webhooks/1",
        "webhook-id": job.event_uid,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
    }


class WebhookChannel:
    name = "webhook"

    def subscribers(self, event: OutboxEvent) -> list[Subscriber]:
        if event.type not in EVENT_TYPES:
            return []
        hooks = db.session.scalars(
            select(Webhook).where(
                Webhook.active.is_(True),
                Webhook.deleted_at.is_(None),
                Webhook.created_at <= event.created_at,
            )
        )
        return [
            Subscriber(f"webhook:{hook.id}", webhook_id=hook.id)
            for hook in hooks
            if event.type in json.loads(hook.events)
        ]

    def prepare(self, delivery: Delivery, event: OutboxEvent) -> Target | None:
        hook = db.session.get(Webhook, delivery.webhook_id)
        if hook is None or hook.deleted_at is not None or not hook.active:
            return None
        return Target(hook.url, unseal(hook.secret), safety.policy())

    def send(self, job: Job) -> Attempt:
        target: Target | None = job.prepared
        if target is None:
            return Attempt(False, error="The endpoint was disabled or deleted.", retry=False)
        if target.secret is None:
            return Attempt(
                False,
                error="The signing secret cannot be read (BATON_SECRET_KEY changed?).",
                retry=False,
            )
        try:
            url = safety.check_url(target.url, target.rules)
        except ValidationFailed as error:
            return Attempt(False, error=error.message, retry=False)
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            address = safety.resolve(parts.hostname, port, target.rules)
        except safety.UnsafeTarget as error:
            return Attempt(False, error=str(error))
        payload = body(job)
        headers = signed_headers(job, target.secret, payload, datetime.now(UTC))
        try:
            answer = outbound.post(url, address, payload, headers)
        except (urllib3.exceptions.HTTPError, OSError) as error:
            return Attempt(False, error=f"{type(error).__name__}: {error}")
        text = answer.body.decode(errors="replace")
        if 200 <= answer.status < 300:
            return Attempt(True, status_code=answer.status, response=text)
        reason = "a redirect (not followed)" if 300 <= answer.status < 400 else "an error"
        return Attempt(
            False, status_code=answer.status, response=text, error=f"HTTP {answer.status}: {reason}"
        )

    def gave_up(self, delivery: Delivery, now: datetime) -> None:
        """Disable an endpoint that failed a whole day with no success since, and say so."""
        hook = db.session.get(Webhook, delivery.webhook_id, with_for_update=True)
        if hook is None or not hook.active or hook.deleted_at is not None:
            return
        succeeded = db.session.scalar(
            select(Delivery.id)
            .where(
                Delivery.webhook_id == hook.id,
                Delivery.status == "delivered",
                Delivery.delivered_at >= delivery.created_at,
            )
            .limit(1)
        )
        if succeeded is not None:
            return
        hook.active = False
        hook.disabled_at = now
        hook.disabled_reason = (
            f"Every delivery failed for a day (delivery {delivery.id}: {delivery.last_error})"
        )[:300]
        log.warning("webhook %s disabled: %s", hook.id, hook.disabled_reason)
        owner = db.session.get(User, hook.created_by_id) if hook.created_by_id else None
        told = {"id": hook.id, "url": hook.url, "reason": hook.disabled_reason}
        if owner is not None and owner.active:
            # In the app now, in this transaction; by mail through the event below.
            notify_without_operation(owner.id, "webhook_disabled", told, now)
        append(
            [
                Event(
                    "webhook.disabled",
                    {
                        "id": hook.id,
                        "url": hook.url,
                        "reason": hook.disabled_reason,
                        "owner": owner.reference() if owner else None,
                    },
                    "webhook",
                    hook.id,
                )
            ],
            now=now,
        )
