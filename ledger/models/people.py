"""Departments and the people in them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ledger.db import db
from ledger.models.types import UTCDateTime

ROLES = ("employee", "manager", "admin")
USER_KINDS = ("person", "bot", "service")


class Department(db.Model):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)


class User(db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('employee', 'manager', 'admin')", name="role"),
        CheckConstraint("kind IN ('person', 'bot', 'service')", name="kind"),
        CheckConstraint("manager_id IS NULL OR manager_id <> id", name="not_own_manager"),
        CheckConstraint("language IS NULL OR language IN ('en', 'zh_Hans')", name="language"),
        Index("ix_users_manager_id", "manager_id"),
        Index("ix_users_department_id", "department_id"),
        Index("uq_users_slack_user_id", "slack_user_id", unique=True),
        Index("uq_users_oidc_subject", "oidc_subject", unique=True),
        Index("ix_users_scim_external_id", "scim_external_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, so the unique index is case-insensitive.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    employee_number: Mapped[str | None] = mapped_column(String(64), unique=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    role: Mapped[str] = mapped_column(String(16), default="employee")
    kind: Mapped[str] = mapped_column(String(16), default="person")
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # Bumped on logout, password change and deactivation: every older session dies.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, server_default=func.now())
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The person's Slack member id (U...), and the handle they had when they linked it.
    slack_user_id: Mapped[str | None] = mapped_column(String(32))
    slack_handle: Mapped[str | None] = mapped_column(String(80))
    # When they last signed in (password or single sign-on); None: never, so invite them.
    signed_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The OpenID Connect provider's `sub` for them, stored at their first SSO sign-in.
    oidc_subject: Mapped[str | None] = mapped_column(String(255))
    # The language they chose for pages and mail; None: follow their browser (Accept-Language).
    language: Mapped[str | None] = mapped_column(String(16))
    # SCIM: the identity provider's id for them, and when it deleted them (they stay, inactive).
    scim_external_id: Mapped[str | None] = mapped_column(String(255))
    scim_deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    department: Mapped[Department | None] = relationship(lazy="joined")
    manager: Mapped[User | None] = relationship(remote_side=[id], lazy="select")

    @property
    def can_receive(self) -> bool:
        return self.active and self.kind == "person"

    # The four members Flask-Login expects, written out so the model needs no web import.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """Return the session id: the user id and the session version it was issued for."""
        return f"{self.id}:{self.session_version}"

    def reference(self) -> dict:
        """Return the user reference used in every document: id, name, email."""
        return {"id": self.id, "name": self.name, "email": self.email}
