"""Result documents for bonus runs: plain dicts every adapter renders the same way."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from ledger.db import db
from ledger.documents import timestamp, user_reference
from ledger.id_lists import among
from ledger.models import BonusRun, User

from . import rules
from .collect import Preview
from .customers import customers_in_run
from .money import major_units


def run_document(run: BonusRun, body: dict | None = None, *, stale: bool = False) -> dict:
    """Describe a run: its parameters, state and, when given, its lines, totals and version."""
    rule = {"type": run.rule}
    if run.rule == "rate":
        rule["cents_per_point"] = run.cents_per_point
    else:
        rule["pool_cents"] = run.pool_cents
    rule["customers_k"] = run.customers_k
    creator = db.session.get(User, run.created_by_id)
    document = {
        "id": run.id,
        "status": run.status,
        "scope": run.scope,
        "since": timestamp(run.since_at),
        "until": timestamp(run.until_at),
        "rule": rule,
        "currency": run.currency,
        "cap_cents": run.cap_cents,
        "min_points": run.min_points,
        "created_by": user_reference(creator),
        "created_at": timestamp(run.created_at),
        "committed_at": _maybe(run.committed_at),
        "paid_at": _maybe(run.paid_at),
        "voided_at": _maybe(run.voided_at),
        "total_points": run.total_points,
        "total_cents": run.total_cents,
        "total_amount": major_units(run.total_cents, run.currency),
    }
    if body is not None:
        document["version"] = run.draft_digest
        document.update(body)
        document["stale"] = stale
    return document


def draft_document(run: BonusRun, found: Preview) -> dict:
    """Describe a draft as previewed now: its lines, totals and the version a commit names.

    The version is the digest of the previewed lines and amounts; the top-level totals are
    the preview's, so everything shown is what a commit of this version pays.
    """
    document = run_document(
        run, preview_document(run, found), stale=found.digest != run.draft_digest
    )
    paid = found.eligible
    document["version"] = found.digest
    document["total_points"] = sum(line.points for line in paid)
    document["total_cents"] = sum(line.amount_cents for line in paid)
    document["total_amount"] = major_units(document["total_cents"], run.currency)
    return document


def _maybe(moment):
    return timestamp(moment) if moment is not None else None


def preview_document(run: BonusRun, found: Preview) -> dict:
    """Describe previewed lines and totals as every adapter shows them."""
    lines = _line_documents(run, found.result.lines, stored=False)
    return {
        "lines": lines,
        "totals": totals(lines, run, found.result.undistributed_cents, found.result.all_capped),
    }


def stored_document(run: BonusRun, stored: Sequence) -> dict:
    """Describe a committed run's fixed lines (BonusRunLine rows)."""
    customers = customers_in_run(run.id) if run.customers_k is not None else {}
    lines = _line_documents(run, stored, stored=True, customers=customers)
    undistributed = (run.pool_cents or 0) - run.total_cents if run.rule == "pool" else 0
    all_capped = bool(lines) and undistributed > 0 and all(line["capped"] for line in lines)
    return {"lines": lines, "totals": totals(lines, run, undistributed, all_capped)}


def totals(lines: list[dict], run: BonusRun, undistributed: int, all_capped: bool) -> dict:
    converted = [line for line in lines if not line["below_minimum"]]
    amount = sum(line["amount_cents"] for line in converted)
    return {
        "people": len(converted),
        "points": sum(line["points"] for line in converted),
        "clawback_points": sum(line["clawback_points"] for line in converted),
        "amount_cents": amount,
        "amount": major_units(amount, run.currency),
        "forfeited_cents": sum(line["forfeited_cents"] for line in converted),
        "undistributed_cents": undistributed,
        "all_capped": all_capped,
        "below_minimum": len(lines) - len(converted),
    }


def _people(user_ids: list[int]) -> dict[int, User]:
    if not user_ids:
        return {}
    users = db.session.scalars(select(User).where(among(User.id, user_ids)))
    return {user.id: user for user in users}


def _line_documents(
    run: BonusRun, rows: Sequence, *, stored: bool, customers: dict[int, int] | None = None
) -> list[dict]:
    """Describe previewed lines (rules.Line) or stored ones (BonusRunLine rows)."""
    people = _people([row.user_id for row in rows])
    counted = {row.user_id: customers.get(row.user_id, 0) if stored else row.customers
               for row in rows} if run.customers_k is not None else {}  # fmt: skip
    return [
        {
            "user": user_reference(people[row.user_id]),
            "points": row.points,
            # With a customers rule: distinct givers, and the points the amount follows.
            "customers": counted.get(row.user_id),
            "effective_points": _effective(row, counted.get(row.user_id), run.customers_k),
            "clawback_points": row.clawback_points,
            "amount_cents": row.amount_cents,
            "amount": major_units(row.amount_cents, run.currency),
            "capped": row.capped,
            "forfeited_cents": row.forfeited_cents,
            # A stored line was converted (never below the minimum) and recorded whether its
            # person had left; a preview asks the directory now.
            "below_minimum": False if stored else row.below_minimum,
            "inactive": row.inactive if stored else not people[row.user_id].active,
        }
        for row in rows
    ]


def _effective(row, customers: int | None, k: int | None) -> float | None:
    """The weighted points (net of a clawback) to two decimals; the amounts use them exactly."""
    if k is None or customers is None:
        return None
    return round(float(rules.weighted(row.points - row.clawback_points, customers, k)), 2)
