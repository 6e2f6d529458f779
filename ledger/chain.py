"""The seal chain's arithmetic and its check: digests over transfers, links, and what changed."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import select

from ledger.db import db
from ledger.models import Transfer, TransferSeal

TRANSFER_COLUMNS = (
    Transfer.id,
    Transfer.operation_id,
    Transfer.debit_account_id,
    Transfer.credit_account_id,
    Transfer.amount,
    Transfer.kind,
    Transfer.award_line_id,
    Transfer.memo,
    Transfer.created_at,
)
INDEX_HEX = 16  # 64 bits per row: enough to name a changed row; the full digest proves it


def row_bytes(row: Any) -> bytes:
    """Encode every column of one transfer canonically."""
    values = [getattr(row, column.key) for column in TRANSFER_COLUMNS[:-1]]
    values.append(row.created_at.isoformat())
    return json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode()


def digest_rows(rows: Iterable[Any]) -> tuple[int, str, str, int | None]:
    """Return (count, SHA-256 over the rows in order, the row index, first id)."""
    digest = hashlib.sha256()
    index: list[str] = []
    first = None
    for row in rows:
        encoded = row_bytes(row)
        digest.update(encoded + b"\n")
        index.append(f"{row.id}:{hashlib.sha256(encoded).hexdigest()[:INDEX_HEX]}")
        first = row.id if first is None else first
    return len(index), digest.hexdigest(), "\n".join(index), first


def link_hash(
    *,
    number: int,
    first_id: int,
    last_id: int,
    transfer_count: int,
    rows_digest: str,
    row_index: str,
    previous_hash: str | None,
) -> str:
    """Hash one link's fields together with the previous link's hash."""
    fields = {
        "number": number,
        "first_id": first_id,
        "last_id": last_id,
        "transfer_count": transfer_count,
        "rows_digest": rows_digest,
        "row_index": hashlib.sha256(row_index.encode()).hexdigest(),
        "previous_hash": previous_hash,
    }
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def transfers_between(after_id: int | None, last_id: int) -> Iterator[Any]:
    """Stream the transfers with `after_id < id <= last_id` in id order (all up to it if None)."""
    query = select(*TRANSFER_COLUMNS).where(Transfer.id <= last_id).order_by(Transfer.id)
    if after_id is not None:
        query = query.where(Transfer.id > after_id)
    yield from db.session.execute(query.execution_options(yield_per=2000))


def verify_chain() -> list[dict[str, Any]]:
    """Recompute every link in order; name the first transfer that no longer matches."""
    problems: list[dict[str, Any]] = []
    previous: TransferSeal | None = None
    seals = db.session.scalars(select(TransferSeal).order_by(TransferSeal.number)).all()
    for expected_number, seal in enumerate(seals, start=1):
        if seal.number != expected_number:
            problems.append({"check": "chain_missing_link", "number": expected_number})
            break
        previous_hash = previous.hash if previous else None
        if seal.previous_hash != previous_hash:
            problems.append({"check": "chain_broken", "seal": seal.number})
        after = previous.last_id if previous else None
        count, rows_digest, row_index, _ = digest_rows(transfers_between(after, seal.last_id))
        recomputed = link_hash(
            number=seal.number,
            first_id=seal.first_id,
            last_id=seal.last_id,
            transfer_count=seal.transfer_count,
            rows_digest=seal.rows_digest,
            row_index=seal.row_index,
            previous_hash=seal.previous_hash,
        )
        if recomputed != seal.hash:
            problems.append({"check": "chain_seal_altered", "seal": seal.number})
        if (count, rows_digest) != (seal.transfer_count, seal.rows_digest):
            difference = first_difference(seal.row_index, row_index)
            problems.append({"check": "chain_transfers", "seal": seal.number, **difference})
        previous = seal
    return problems


def first_difference(sealed: str, found: str) -> dict[str, Any]:
    """Compare two row indexes and name the first transfer changed, deleted or inserted."""
    expected = [_entry(line) for line in sealed.splitlines()]
    actual = [_entry(line) for line in found.splitlines()]
    for position in range(max(len(expected), len(actual))):
        want = expected[position] if position < len(expected) else None
        have = actual[position] if position < len(actual) else None
        if want == have:
            continue
        if want and have and want[0] == have[0]:
            return {"transfer": want[0], "change": "changed"}
        if have is None or (want is not None and want[0] < have[0]):
            return {"transfer": want[0], "change": "deleted"}
        return {"transfer": have[0], "change": "inserted"}
    # Same rows, yet another digest: only a change the index cannot see (a hash collision).
    return {"transfer": None, "change": "changed"}


def _entry(line: str) -> tuple[int, str]:
    identifier, _, short = line.partition(":")
    return int(identifier), short
