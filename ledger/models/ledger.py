"""The double-entry ledger: periods, policies, accounts, transfers and operations."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from ledger.db import db
from ledger.models.types import UTCDateTime

ACCOUNT_KINDS = (
    "allowance",
    "earned",
    "clawback",
    "issuance",
    "expired",
    "converted",
    "adjustments",
)
SYSTEM_ACCOUNT_KINDS = ("issuance", "expired", "converted", "adjustments")


class Policy(db.Model):
    """Allowance rules; a row applies to the periods that start on or after `effective_from`."""

    __tablename__ = "policies"
    __table_args__ = (
        CheckConstraint("period_length IN ('month', 'quarter')", name="period_length"),
        CheckConstraint("base_allowance >= 0 AND manager_boost >= 0", name="amounts"),
        CheckConstraint("max_points_per_recipient >= 1", name="max_points"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    effective_from: Mapped[date]
    period_length: Mapped[str] = mapped_column(String(8), default="month")
    base_allowance: Mapped[int] = mapped_column(default=100)
    manager_boost: Mapped[int] = mapped_column(default=10)
    max_points_per_recipient: Mapped[int] = mapped_column(default=50)
    pair_cap: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Period(db.Model):
    """An allowance window; its rules are copied from the policy in force when it opens."""

    __tablename__ = "periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(8), unique=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    base_allowance: Mapped[int]
    manager_boost: Mapped[int]
    max_points_per_recipient: Mapped[int]
    pair_cap: Mapped[int | None]
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Account(db.Model):
    __tablename__ = "accounts"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('allowance', 'earned', 'clawback', 'issuance', 'expired', 'converted',"
            " 'adjustments')",
            name="kind",
        ),
        # Only a backstop: services enforce bounds with conditional updates.
        CheckConstraint("NOT bounded OR balance >= 0", name="bounded_not_negative"),
        CheckConstraint(
            "(kind = 'allowance') = (period_id IS NOT NULL)", name="period_iff_allowance"
        ),
        Index(
            "uq_accounts_earned",
            "user_id",
            unique=True,
            sqlite_where=text("kind = 'earned'"),
            postgresql_where=text("kind = 'earned'"),
        ),
        Index(
            "uq_accounts_clawback",
            "user_id",
            unique=True,
            sqlite_where=text("kind = 'clawback'"),
            postgresql_where=text("kind = 'clawback'"),
        ),
        Index(
            "uq_accounts_allowance",
            "user_id",
            "period_id",
            unique=True,
            sqlite_where=text("kind = 'allowance'"),
            postgresql_where=text("kind = 'allowance'"),
        ),
        Index(
            "uq_accounts_system",
            "kind",
            unique=True,
            sqlite_where=text("user_id IS NULL"),
            postgresql_where=text("user_id IS NULL"),
        ),
        Index("ix_accounts_period_id", "period_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    period_id: Mapped[int | None] = mapped_column(ForeignKey("periods.id"))
    bounded: Mapped[bool]
    # Materialized for per-person accounts; system accounts are summed from transfers.
    balance: Mapped[int] = mapped_column(BigInteger, default=0)
    version: Mapped[int] = mapped_column(default=0)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Operation(db.Model):
    """One write: its transfers, business rows, audit event and idempotency record."""

    __tablename__ = "operations"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'done', 'rejected')", name="status"),
        Index(
            "uq_operations_idempotency",
            "principal",
            "idempotency_key",
            unique=True,
            sqlite_where=text("idempotency_key IS NOT NULL"),
            postgresql_where=text("idempotency_key IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    principal: Mapped[str | None] = mapped_column(String(64))
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    request_hash: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    result: Mapped[str | None] = mapped_column(Text)
    transfer_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Transfer(db.Model):
    """One balanced movement of points: zero-sum by construction, never changed."""

    __tablename__ = "transfers"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("debit_account_id <> credit_account_id", name="distinct_accounts"),
        Index("ix_transfers_debit_account_id", "debit_account_id", "id"),
        Index("ix_transfers_credit_account_id", "credit_account_id", "id"),
        Index("ix_transfers_operation_id", "operation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operations.id"))
    debit_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    credit_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    amount: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))
    award_line_id: Mapped[int | None] = mapped_column(ForeignKey("award_lines.id"))
    memo: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
