"""Service kinds, awards, their lines and reversals."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ledger.db import db
from ledger.models.types import UTCDateTime


class ServiceKind(db.Model):
    __tablename__ = "service_kinds"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(String(500), default="")
    builtin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)


class Award(db.Model):
    __tablename__ = "awards"
    __table_args__ = (
        CheckConstraint("points_per_recipient > 0", name="points_positive"),
        Index("ix_awards_created_at", "created_at"),
        Index("ix_awards_giver_id", "giver_id", "period_id"),
        Index("ix_awards_add_on_to_id", "add_on_to_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operations.id"), unique=True)
    giver_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The token owner who gave on the giver's behalf, if not the giver.
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id"))
    service_kind: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    points_per_recipient: Mapped[int]
    points_total: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The award this one adds to ("+5, me too"): same recipients and kind, its own giver.
    add_on_to_id: Mapped[int | None] = mapped_column(ForeignKey("awards.id"))

    lines: Mapped[list[AwardLine]] = relationship(back_populates="award", order_by="AwardLine.id")


class AwardLine(db.Model):
    """One recipient's part of an award; giver, kind and time are copied for fast windows."""

    __tablename__ = "award_lines"
    __table_args__ = (
        CheckConstraint("points > 0", name="points_positive"),
        CheckConstraint("direction IN ('up', 'down', 'lateral')", name="direction"),
        Index("ix_award_lines_award_id", "award_id"),
        Index("ix_award_lines_recipient", "recipient_id", "created_at"),
        Index("ix_award_lines_created_at", "created_at"),
        Index("ix_award_lines_giver", "giver_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id"))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    giver_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    points: Mapped[int]
    direction: Mapped[str] = mapped_column(String(8))
    cross_department: Mapped[bool] = mapped_column(Boolean)
    service_kind: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    award: Mapped[Award] = relationship(back_populates="lines")


class Reversal(db.Model):
    __tablename__ = "reversals"

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id"), unique=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operations.id"), unique=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(1000))
    clawback: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
