"""Derived per-month totals of the award lines, kept by database triggers (leaderboard_rollups)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from ledger.db import db


class RecipientMonth(db.Model):
    """What one person received in one UTC calendar month, reversed awards left out.

    Triggers on `award_lines` (insert) and `reversals` (insert) keep it exact in the same
    transaction as the rows they add, on both engines and for every writer (the award
    service, a restore, the bench's COPY). `verify` recomputes it from the lines. It is
    derived data: backups leave it out and the triggers rebuild it on restore.
    """

    __tablename__ = "recipient_months"
    __table_args__ = (Index("ix_recipient_months_month", "month", "recipient_id"),)

    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)  # the month's first day
    points: Mapped[int]
    awards: Mapped[int]  # unreversed lines: one per award and recipient
    points_up: Mapped[int]  # by direction (`lateral` is a reserved word in PostgreSQL)
    points_down: Mapped[int]
    points_lateral: Mapped[int]
