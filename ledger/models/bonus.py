"""Bonus runs, their committed lines, and the conversions that pay each award line once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from ledger.db import db
from ledger.models.types import UTCDateTime

RUN_STATUSES = ("draft", "committed", "paid", "voided")
RULE_TYPES = ("rate", "pool")


class BonusRun(db.Model):
    """A manager's conversion of earned points into money for a window and a scope."""

    __tablename__ = "bonus_runs"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'committed', 'paid', 'voided')", name="status"),
        CheckConstraint("rule IN ('rate', 'pool')", name="rule"),
        CheckConstraint(
            "(rule = 'rate' AND cents_per_point > 0 AND pool_cents IS NULL)"
            " OR (rule = 'pool' AND pool_cents > 0 AND cents_per_point IS NULL)",
            name="rule_amount",
        ),
        CheckConstraint("cap_cents IS NULL OR cap_cents > 0", name="cap_positive"),
        CheckConstraint("min_points >= 0", name="min_points"),
        CheckConstraint("until_at > since_at", name="window"),
        Index("ix_bonus_runs_created_by_id", "created_by_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    scope: Mapped[str] = mapped_column(String(40))
    since_at: Mapped[datetime] = mapped_column(UTCDateTime)
    until_at: Mapped[datetime] = mapped_column(UTCDateTime)
    rule: Mapped[str] = mapped_column(String(8))
    cents_per_point: Mapped[int | None] = mapped_column(BigInteger)
    pool_cents: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    cap_cents: Mapped[int | None] = mapped_column(BigInteger)
    min_points: Mapped[int] = mapped_column(default=0)
    # Weight points by distinct customers: points x min(1, customers / k); NULL: not weighted.
    customers_k: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(16), default="draft")
    # A hash of the previewed line set; commit refuses `draft_stale` when it no longer matches.
    draft_digest: Mapped[str] = mapped_column(String(64))
    total_points: Mapped[int] = mapped_column(BigInteger, default=0)
    total_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    commit_operation_id: Mapped[int | None] = mapped_column(ForeignKey("operations.id"))
    void_operation_id: Mapped[int | None] = mapped_column(ForeignKey("operations.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    committed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class BonusRunLine(db.Model):
    """One person's fixed result in a committed run; never changed."""

    __tablename__ = "bonus_run_lines"
    __table_args__ = (
        CheckConstraint("points >= 0 AND clawback_points >= 0", name="points"),
        CheckConstraint("amount_cents >= 0 AND forfeited_cents >= 0", name="amounts"),
        Index("uq_bonus_run_lines_person", "bonus_run_id", "user_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bonus_run_id: Mapped[int] = mapped_column(ForeignKey("bonus_runs.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    points: Mapped[int] = mapped_column(BigInteger)
    # Points withheld to settle a clawback; the amount is computed on the rest.
    clawback_points: Mapped[int] = mapped_column(BigInteger, default=0)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    forfeited_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    capped: Mapped[bool] = mapped_column(default=False)
    inactive: Mapped[bool] = mapped_column(default=False)


class Conversion(db.Model):
    """An award line paid by a run; at most one live (not voided) conversion per line."""

    __tablename__ = "conversions"
    __table_args__ = (
        Index(
            "uq_conversions_live",
            "award_line_id",
            unique=True,
            sqlite_where=text("voided_at IS NULL"),
            postgresql_where=text("voided_at IS NULL"),
        ),
        Index("ix_conversions_bonus_run_id", "bonus_run_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_line_id: Mapped[int] = mapped_column(ForeignKey("award_lines.id"))
    bonus_run_id: Mapped[int] = mapped_column(ForeignKey("bonus_runs.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    points: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
