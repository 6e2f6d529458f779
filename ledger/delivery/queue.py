"""The delivery queue: fan events out, claim due deliveries under a lease, record attempts.

Each step is one short write transaction; sending happens between them, outside any.
"""

from __future__ import annotations

import json
import random
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update

from ledger.db import db, upsert, write_transaction
from ledger.delivery.channels import Attempt, Job
from ledger.delivery.registry import channel, channels
from ledger.models import Delivery, OutboxEvent

# Longer than a send can take (5 s timeouts), so a live worker's claim never lapses.
LEASE = timedelta(seconds=60)
GIVE_UP_AFTER = timedelta(hours=24)
FIRST_RETRY = timedelta(seconds=10)
LONGEST_WAIT = timedelta(hours=2)
RESPONSE_LIMIT = 1024
ERROR_LIMIT = 500


def backoff(attempts: int) -> timedelta:
    """Return the wait after the given number of failed attempts: 10 s, 20 s, ... up to 2 h."""
    exponent = min(max(attempts, 1) - 1, 20)
    return min(FIRST_RETRY * (2**exponent), LONGEST_WAIT)


def fan_out(now: datetime, limit: int = 100) -> int:
    """Turn up to `limit` new events into one delivery per subscriber; return the events done."""

    def work() -> int:
        events = db.session.scalars(
            select(OutboxEvent)
            .where(OutboxEvent.fanned_out_at.is_(None))
            .order_by(OutboxEvent.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        for event in events:
            for kind in channels():
                for subscriber in kind.subscribers(event):
                    db.session.execute(
                        upsert(
                            Delivery,
                            {
                                "event_id": event.id,
                                "channel": kind.name,
                                "subscriber": subscriber.key,
                                "webhook_id": subscriber.webhook_id,
                                "recipient_id": subscriber.recipient_id,
                                "payload": _dumps(subscriber.payload),
                                "status": "pending",
                                "attempts": 0,
                                "next_attempt_at": now,
                                "created_at": now,
                            },
                            ["event_id", "channel", "subscriber"],
                        )
                    )
        if events:
            db.session.execute(
                update(OutboxEvent)
                .where(OutboxEvent.id.in_([event.id for event in events]))
                .values(fanned_out_at=now)
                .execution_options(synchronize_session=False)
            )
        return len(events)

    return write_transaction(work)


def due_ids(now: datetime, limit: int) -> list[int]:
    """Lock up to `limit` due deliveries, skipping rows another worker holds (PostgreSQL)."""
    return list(
        db.session.scalars(
            select(Delivery.id)
            .where(
                Delivery.status == "pending",
                Delivery.next_attempt_at <= now,
                Delivery.channel.in_([kind.name for kind in channels()]),
            )
            .order_by(Delivery.next_attempt_at, Delivery.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )


def claim(now: datetime, limit: int = 10, *, lease: timedelta = LEASE) -> list[Job]:
    """Claim due deliveries under a lease and read what sending them needs; commit at once."""

    def work() -> list[Job]:
        ids = due_ids(now, limit)
        if not ids:
            return []
        token = secrets.token_hex(16)
        db.session.execute(
            update(Delivery)
            .where(Delivery.id.in_(ids))
            .values(
                next_attempt_at=now + lease,
                claim_token=token,
                attempts=Delivery.attempts + 1,
                last_attempt_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        return jobs(ids, token)

    return write_transaction(work)


def jobs(ids: list[int], token: str | None) -> list[Job]:
    """Read claimed deliveries with their events into plain jobs (inside the claim)."""
    rows = db.session.execute(
        select(Delivery, OutboxEvent)
        .join(OutboxEvent, OutboxEvent.id == Delivery.event_id)
        .where(Delivery.id.in_(ids))
        .order_by(Delivery.id)
        .execution_options(populate_existing=True)
    ).all()
    found = []
    for delivery, event in rows:
        kind = channel(delivery.channel)
        found.append(
            Job(
                delivery_id=delivery.id,
                claim_token=token,
                channel=delivery.channel,
                attempt=delivery.attempts,
                event_uid=event.uid,
                event_type=event.type,
                event_data=json.loads(event.data),
                event_created_at=event.created_at,
                webhook_id=delivery.webhook_id,
                recipient_id=delivery.recipient_id,
                payload=json.loads(delivery.payload) if delivery.payload else None,
                prepared=kind.prepare(delivery, event) if kind else None,
            )
        )
    return found


def record(job: Job, attempt: Attempt, now: datetime) -> str | None:
    """Store how a send went; return the delivery's new status (None if the claim lapsed)."""

    def work() -> str | None:
        delivery = db.session.scalars(
            select(Delivery)
            .where(Delivery.id == job.delivery_id, Delivery.claim_token == job.claim_token)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).first()
        if delivery is None or delivery.status != "pending":
            return None  # the lease ran out and another worker owns the delivery now
        delivery.claim_token = None
        delivery.last_status_code = attempt.status_code
        delivery.last_response = _clip(attempt.response, RESPONSE_LIMIT)
        delivery.last_error = _clip(attempt.error, ERROR_LIMIT)
        if attempt.delivered:
            delivery.status, delivery.delivered_at = "delivered", now
        elif not attempt.retry or now - delivery.created_at >= GIVE_UP_AFTER:
            delivery.status = "failed"
            kind = channel(delivery.channel)
            if kind is not None:
                kind.gave_up(delivery, now)
        else:
            # Jitter spreads the retries of many deliveries that failed together.
            delivery.next_attempt_at = now + backoff(delivery.attempts) * random.uniform(1, 1.2)
        return delivery.status

    return write_transaction(work)


def release(job_list: list[Job], now: datetime) -> None:
    """Hand back claimed, unsent deliveries (a stopping worker) so others take them at once."""
    if not job_list:
        return

    def work() -> None:
        for job in job_list:
            db.session.execute(
                update(Delivery)
                .where(Delivery.id == job.delivery_id, Delivery.claim_token == job.claim_token)
                .values(claim_token=None, next_attempt_at=now, attempts=Delivery.attempts - 1)
                .execution_options(synchronize_session=False)
            )

    write_transaction(work)


def _dumps(value) -> str | None:
    return None if value is None else json.dumps(value, sort_keys=True, separators=(",", ":"))


def _clip(text: str | None, limit: int) -> str | None:
    if text is None:
        return None
    return text.encode()[:limit].decode(errors="ignore")
