"""Service requests: the customer's order, its relay of events, and the award lines it earned."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ledger.db import db
from ledger.models.types import UTCDateTime

REQUEST_EVENT_KINDS = (
    "opened",
    "accepted",
    "handed_off",
    "delivered",
    "closed",
    "withdrawn",
    "declined",
)


class ServiceRequest(db.Model):
    """What a customer asked for, of whom (a person or a department's queue), and by when.

    Append-only: the state is the request's last event (ServiceRequestEvent).
    """

    __tablename__ = "service_requests"
    __table_args__ = (
        CheckConstraint("(provider_id IS NULL) <> (department_id IS NULL)", name="one_target"),
        CheckConstraint("due_at > asked_at AND lead_time_seconds > 0", name="lead_time"),
        Index("ix_service_requests_customer_id", "customer_id"),
        Index("ix_service_requests_provider_id", "provider_id"),
        Index("ix_service_requests_department_id", "department_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operations.id"), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    need: Mapped[str] = mapped_column(Text)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lead_time_seconds: Mapped[int]


class ServiceRequestEvent(db.Model):
    """One step of a request's relay: who did what, when, with a note.

    `holder_id` is the provider holding the request after the step (carried forward), so the
    last event alone tells the state and who holds it. `seq` is unique per request: two
    steps decided on the same state cannot both be written.
    """

    __tablename__ = "service_request_events"
    __table_args__ = (
        UniqueConstraint("request_id", "seq", name="uq_service_request_events_seq"),
        CheckConstraint("seq >= 1", name="seq"),
        CheckConstraint(
            "kind IN ('opened', 'accepted', 'handed_off', 'delivered', 'closed', 'withdrawn', "
            "'declined')",
            name="kind",
        ),
        Index("ix_service_request_events_holder_id", "holder_id"),
        Index("ix_service_request_events_actor_id", "actor_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id"))
    seq: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    award_id: Mapped[int | None] = mapped_column(ForeignKey("awards.id"))
    operation_id: Mapped[int] = mapped_column(ForeignKey("operations.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RequestAwardLine(db.Model):
    """The facts an award line given on closing a request records: the lead time the customer
    gave, whether delivery was on time, and the recipient's place in the hand-off chain."""

    __tablename__ = "request_award_lines"
    __table_args__ = (
        CheckConstraint("position >= 1", name="position"),
        Index("ix_request_award_lines_request_id", "request_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_line_id: Mapped[int] = mapped_column(ForeignKey("award_lines.id"), unique=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id"))
    position: Mapped[int]
    lead_time_seconds: Mapped[int]
    on_time: Mapped[bool]
