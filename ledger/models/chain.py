"""The seal chain: each link proves a range of transfers unchanged since it was sealed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ledger.db import db
from ledger.models.types import UTCDateTime


class TransferSeal(db.Model):
    """One link: the transfers with ids after the previous link's `last_id` up to `last_id`."""

    __tablename__ = "transfer_seals"

    id: Mapped[int] = mapped_column(primary_key=True)
    # 1, 2, 3, ...: unique, so two sealers can never fork the chain.
    number: Mapped[int] = mapped_column(unique=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operations.id"))
    first_id: Mapped[int] = mapped_column(BigInteger)
    last_id: Mapped[int] = mapped_column(BigInteger)
    transfer_count: Mapped[int]
    # SHA-256 over the sealed rows in id order, every column.
    rows_digest: Mapped[str] = mapped_column(String(64))
    # "id:first 16 hex of the row's SHA-256" per row, one a line: names what changed.
    row_index: Mapped[str] = mapped_column(Text)
    previous_hash: Mapped[str | None] = mapped_column(String(64))
    # SHA-256 over this link's fields and previous_hash: the chain.
    hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
