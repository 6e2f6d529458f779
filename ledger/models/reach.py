"""Telling people: in-app notices, each person's notification settings, Slack link offers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ledger.db import db
from ledger.models.types import UTCDateTime

NOTICE_KINDS = ("award_received", "award_reversed", "bonus_paid", "webhook_disabled")
# What a person can turn on or off; every kind is on until they turn it off.
SETTING_KINDS = ("award_mail", "in_app", "digest", "webhook_mail")


class Notification(db.Model):
    """One in-app notice to one person, written in the same transaction as its cause."""

    __tablename__ = "notifications"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('award_received', 'award_reversed', 'bonus_paid', 'webhook_disabled')",
            name="kind",
        ),
        Index("ix_notifications_user_id", "user_id", "id"),
        Index("ix_notifications_unread", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(32))
    # None for a notice the worker writes (a webhook endpoint it disabled).
    operation_id: Mapped[int | None] = mapped_column(ForeignKey("operations.id"))
    award_id: Mapped[int | None] = mapped_column(ForeignKey("awards.id"))
    bonus_run_id: Mapped[int | None] = mapped_column(ForeignKey("bonus_runs.id"))
    # Canonical JSON of what the notice says (who, how many points, why), fixed at the time.
    details: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class NotificationSetting(db.Model):
    """A person's choice for one kind of notification; no row means on."""

    __tablename__ = "notification_settings"
    __table_args__ = (
        CheckConstraint("kind IN ('award_mail', 'in_app', 'digest', 'webhook_mail')", name="kind"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    enabled: Mapped[bool]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SlackLink(db.Model):
    """A one-time offer to link a Slack account to whoever opens it, logged in to Baton."""

    __tablename__ = "slack_links"
    __table_args__ = (Index("ix_slack_links_slack_user_id", "slack_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    slack_user_id: Mapped[str] = mapped_column(String(32))
    slack_team_id: Mapped[str] = mapped_column(String(32))
    slack_handle: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
