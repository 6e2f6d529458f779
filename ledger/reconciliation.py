"""Reconciliation: prove from the transfers that every balance and business row agrees."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import case, func, literal, select, union_all

from ledger.add_on_reconcile import add_ons_agree
from ledger.bonus.reconcile import conversions_agree
from ledger.chain import verify_chain
from ledger.db import db
from ledger.models import (
    Account,
    Award,
    AwardLine,
    Conversion,
    Operation,
    Period,
    Reversal,
    Seal,
    Transfer,
    TransferSeal,
)
from ledger.rollups import rollups_agree
from ledger.services.periods import account_digest

PER_PERSON_KINDS = ("allowance", "earned", "clawback")


def verify_ledger(now: datetime | None = None) -> dict[str, Any]:
    """Check every invariant of the books; `ok` is true only if no problem is found."""
    problems: list[dict[str, Any]] = []
    warnings: list[dict[str, Any]] = []
    sums = _sums_by_account()
    accounts = db.session.execute(
        select(Account.id, Account.kind, Account.bounded, Account.balance, Account.closed_at)
    ).all()
    for account in accounts:
        derived = sums.get(account.id, 0)
        if account.kind in PER_PERSON_KINDS and account.balance != derived:
            problems.append(
                {
                    "check": "balance",
                    "account": account.id,
                    "stored": account.balance,
                    "derived": derived,
                }
            )
        if account.bounded and min(account.balance, derived) < 0:
            problems.append({"check": "bounds", "account": account.id, "balance": derived})
    if sum(sums.values()) != 0:
        problems.append({"check": "zero_sum", "total": sum(sums.values())})
    problems += _operations_complete()
    problems += _awards_agree()
    problems += _reversals_agree()
    problems += add_ons_agree()
    problems += conversions_agree()
    problems += rollups_agree()
    problems += _seals_match(accounts)
    problems += verify_chain()
    if now is not None:
        for key in db.session.scalars(
            select(Period.key).where(Period.closed_at.is_(None), Period.ends_at <= now)
        ):
            warnings.append(
                {
                    "check": "period_open",
                    "period": key,
                    "message": f"Period {key} has ended but is still open.",
                }
            )
    counts = {
        "accounts": len(accounts),
        "transfers": db.session.scalar(select(func.count()).select_from(Transfer)),
        "operations": db.session.scalar(select(func.count()).select_from(Operation)),
        "awards": db.session.scalar(select(func.count()).select_from(Award)),
        "reversals": db.session.scalar(select(func.count()).select_from(Reversal)),
        "seals": db.session.scalar(select(func.count()).select_from(Seal)),
        "chain_links": db.session.scalar(select(func.count()).select_from(TransferSeal)),
        "conversions": db.session.scalar(select(func.count()).select_from(Conversion)),
    }
    return {"ok": not problems, "counts": counts, "problems": problems, "warnings": warnings}


def _sums_by_account() -> dict[int, int]:
    movements = union_all(
        select(Transfer.credit_account_id.label("account_id"), Transfer.amount.label("amount")),
        select(Transfer.debit_account_id.label("account_id"), (-Transfer.amount).label("amount")),
    ).subquery()
    rows = db.session.execute(
        select(movements.c.account_id, func.sum(movements.c.amount)).group_by(
            movements.c.account_id
        )
    )
    return {account_id: int(total) for account_id, total in rows}


def _operations_complete() -> list[dict[str, Any]]:
    counted = (
        select(Transfer.operation_id, func.count().label("n"))
        .group_by(Transfer.operation_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Operation.id, Operation.transfer_count, func.coalesce(counted.c.n, 0))
        .outerjoin(counted, counted.c.operation_id == Operation.id)
        .where(Operation.transfer_count != func.coalesce(counted.c.n, 0))
    ).all()
    problems = [
        {"check": "operation_transfers", "operation": op_id, "expected": expected, "found": found}
        for op_id, expected, found in rows
    ]
    pending = db.session.scalars(select(Operation.id).where(Operation.status == "pending")).all()
    problems += [{"check": "operation_pending", "operation": op_id} for op_id in pending]
    return problems


def _awards_agree() -> list[dict[str, Any]]:
    """Each award's lines add up, and each line has exactly one award transfer of its points."""
    lines = (
        select(
            AwardLine.award_id, func.count().label("n"), func.sum(AwardLine.points).label("points")
        )
        .group_by(AwardLine.award_id)
        .subquery()
    )
    rows = (
        db.session.execute(
            select(Award.id)
            .outerjoin(lines, lines.c.award_id == Award.id)
            .where(
                (func.coalesce(lines.c.points, 0) != Award.points_total)
                | (Award.points_per_recipient * func.coalesce(lines.c.n, 0) != Award.points_total)
            )
        )
        .scalars()
        .all()
    )
    problems = [{"check": "award_lines", "award": award_id} for award_id in rows]
    paid = (
        select(
            Transfer.award_line_id,
            func.count().label("n"),
            func.sum(Transfer.amount).label("amount"),
        )
        .where(Transfer.kind == "award")
        .group_by(Transfer.award_line_id)
        .subquery()
    )
    bad = (
        db.session.execute(
            select(AwardLine.id)
            .outerjoin(paid, paid.c.award_line_id == AwardLine.id)
            .where(
                (func.coalesce(paid.c.n, 0) != 1)
                | (func.coalesce(paid.c.amount, 0) != AwardLine.points)
            )
        )
        .scalars()
        .all()
    )
    problems += [{"check": "award_transfer", "line": line_id} for line_id in bad]
    return problems


def _reversals_agree() -> list[dict[str, Any]]:
    """Each reversed line is given back exactly once, and nothing else is."""
    returned = (
        select(
            Transfer.award_line_id,
            func.count().label("n"),
            func.sum(Transfer.amount).label("amount"),
        )
        .where(Transfer.kind == "reversal")
        .group_by(Transfer.award_line_id)
        .subquery()
    )
    expected = case((Reversal.id.is_(None), literal(0)), else_=AwardLine.points)
    bad = (
        db.session.execute(
            select(AwardLine.id)
            .outerjoin(Reversal, Reversal.award_id == AwardLine.award_id)
            .outerjoin(returned, returned.c.award_line_id == AwardLine.id)
            .where(func.coalesce(returned.c.amount, 0) != expected)
        )
        .scalars()
        .all()
    )
    return [{"check": "reversal_transfer", "line": line_id} for line_id in bad]


def _seals_match(accounts) -> list[dict[str, Any]]:
    problems = []
    seals = {seal.account_id: seal for seal in db.session.scalars(select(Seal))}
    for account in accounts:
        if account.closed_at is None:
            continue
        seal = seals.get(account.id)
        if seal is None:
            problems.append({"check": "seal_missing", "account": account.id})
            continue
        balance, version, count, digest = account_digest(account.id)
        if (balance, version, count, digest) != (
            seal.balance,
            seal.version,
            seal.transfer_count,
            seal.digest,
        ):
            problems.append({"check": "seal_mismatch", "account": account.id})
    return problems
