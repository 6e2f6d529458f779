"""Reconcile bonus runs: conversions, their transfers, run lines and clawback netting agree."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import func, select

from ledger.db import db
from ledger.models import AwardLine, BonusRun, BonusRunLine, Conversion, Reversal, Transfer


def conversions_agree() -> list[dict[str, Any]]:
    """Check every conversion against its line, its transfers and its run."""
    problems: list[dict[str, Any]] = []
    lines = {
        row.id: row
        for row in db.session.execute(
            select(AwardLine.id, AwardLine.recipient_id, AwardLine.points, Reversal.clawback)
            .join(Conversion, Conversion.award_line_id == AwardLine.id)
            .outerjoin(Reversal, Reversal.award_id == AwardLine.award_id)
        )
    }
    made: Counter[int] = Counter()
    voided: Counter[int] = Counter()
    live: Counter[int] = Counter()
    live_by_run: Counter[int] = Counter()
    for conversion in db.session.execute(select(Conversion)).scalars():
        line = lines[conversion.award_line_id]
        made[line.id] += 1
        if conversion.voided_at is None:
            live[line.id] += 1
            live_by_run[conversion.bonus_run_id] += conversion.points
            if line.clawback is False:
                problems.append({"check": "conversion_reversed", "line": line.id})
        else:
            voided[line.id] += 1
        if (conversion.user_id, conversion.points) != (line.recipient_id, line.points):
            problems.append({"check": "conversion_line", "conversion": conversion.id})
    problems += [
        {"check": "conversion_twice", "line": line_id} for line_id, n in live.items() if n > 1
    ]
    for kind, expected in (("conversion", made), ("conversion_void", voided)):
        found = _line_transfers(kind)
        for line_id in set(expected) | set(found):
            points = lines[line_id].points if line_id in lines else 0
            if found.get(line_id, (0, 0)) != (expected[line_id], expected[line_id] * points):
                problems.append({"check": f"{kind}_transfer", "line": line_id})
    problems += _runs_agree(live_by_run)
    return problems


def _line_transfers(kind: str) -> dict[int, tuple[int, int]]:
    rows = db.session.execute(
        select(Transfer.award_line_id, func.count(), func.sum(Transfer.amount))
        .where(Transfer.kind == kind)
        .group_by(Transfer.award_line_id)
    )
    return {line_id: (int(n), int(total)) for line_id, n, total in rows}


def _runs_agree(live_by_run: Counter[int]) -> list[dict[str, Any]]:
    """Live runs hold their lines' points; clawbacks netted at commit are restored on void."""
    problems = []
    sums: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for line in db.session.scalars(select(BonusRunLine)):
        totals = sums[line.bonus_run_id]
        totals[0] += line.points
        totals[1] += line.amount_cents
        totals[2] += line.clawback_points
    netting = _operation_sums()
    for run in db.session.scalars(select(BonusRun)):
        points, cents, clawback = sums.get(run.id, (0, 0, 0))
        live = live_by_run.get(run.id, 0)
        if run.status in {"committed", "paid"}:
            if not live == points == run.total_points or cents != run.total_cents:
                problems.append({"check": "bonus_run_totals", "run": run.id})
            if netting.get((run.commit_operation_id, "clawback_net"), 0) != clawback:
                problems.append({"check": "clawback_netting", "run": run.id})
        elif live:
            problems.append({"check": "bonus_run_live_conversions", "run": run.id})
        restored = netting.get((run.void_operation_id, "clawback_unnet"), 0)
        if run.status == "voided" and run.commit_operation_id is not None and restored != clawback:
            problems.append({"check": "clawback_restored", "run": run.id})
    return problems


def _operation_sums() -> dict[tuple[int, str], int]:
    rows = db.session.execute(
        select(Transfer.operation_id, Transfer.kind, func.sum(Transfer.amount))
        .where(Transfer.kind.in_(("clawback_net", "clawback_unnet")))
        .group_by(Transfer.operation_id, Transfer.kind)
    )
    return {(operation_id, kind): int(total) for operation_id, kind, total in rows}
