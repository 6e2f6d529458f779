"""The outbox: events written with the operations that cause them, and their deliveries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from ledger.db import db
from ledger.models.types import UTCDateTime

DELIVERY_STATUSES = ("pending", "delivered", "failed")


class OutboxEvent(db.Model):
    """One thing that happened, told to every subscriber; `uid` is the `webhook-id`."""

    __tablename__ = "outbox_events"
    __table_args__ = (
        # The worker's fan-out queue: only events not yet turned into deliveries.
        Index(
            "ix_outbox_events_unfanned",
            "id",
            sqlite_where=text("fanned_out_at IS NULL"),
            postgresql_where=text("fanned_out_at IS NULL"),
        ),
        Index("ix_outbox_events_operation_id", "operation_id"),
        Index("ix_outbox_events_object", "object_type", "object_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(40), unique=True)
    type: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str | None] = mapped_column(String(32))
    object_id: Mapped[str | None] = mapped_column(String(64))
    data: Mapped[str] = mapped_column(Text)  # canonical JSON of the object's API document
    operation_id: Mapped[int | None] = mapped_column(ForeignKey("operations.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    fanned_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Webhook(db.Model):
    """An integrator's endpoint; its signing secret is stored encrypted (delivery.secrets)."""

    __tablename__ = "webhooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(String(500), default="")
    events: Mapped[str] = mapped_column(Text)  # JSON list of event types
    secret: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disabled_reason: Mapped[str | None] = mapped_column(String(300))
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Delivery(db.Model):
    """One event for one subscriber of one channel (webhook, email, slack, ...)."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("event_id", "channel", "subscriber", name="uq_deliveries_subscriber"),
        CheckConstraint("status IN ('pending', 'delivered', 'failed')", name="status"),
        CheckConstraint("attempts >= 0", name="attempts"),
        # The worker's claim: due pending deliveries, oldest due first.
        Index(
            "ix_deliveries_due",
            "next_attempt_at",
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
        Index("ix_deliveries_webhook_id", "webhook_id", "id"),
        Index("ix_deliveries_recipient_id", "recipient_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("outbox_events.id"))
    channel: Mapped[str] = mapped_column(String(16))
    subscriber: Mapped[str] = mapped_column(String(64))
    webhook_id: Mapped[int | None] = mapped_column(ForeignKey("webhooks.id"))
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    payload: Mapped[str | None] = mapped_column(Text)  # channel-specific JSON, e.g. a language
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claim_token: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status_code: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    last_response: Mapped[str | None] = mapped_column(Text)  # at most 1 KB of the body
