"""One-time links that set a password: invitations and password resets (only hashes kept)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ledger.db import db
from ledger.models.types import UTCDateTime

LINK_PURPOSES = ("invitation", "reset")


class PasswordLink(db.Model):
    """A link that lets one person set a password once, until it expires or is replaced."""

    __tablename__ = "password_links"
    __table_args__ = (
        CheckConstraint("purpose IN ('invitation', 'reset')", name="purpose"),
        Index("ix_password_links_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    purpose: Mapped[str] = mapped_column(String(16))
    # SHA-256 of the secret in the URL: a copied database cannot be used to set a password.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when a later link or a password change made this one worthless.
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
