"""My payouts: a person's own lines in committed bonus runs and where payroll stands."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ledger.bonus.money import major_units
from ledger.db import db
from ledger.documents import timestamp
from ledger.models import BonusRun, BonusRunLine

# What each run state means for the person paid by it.
PAYROLL_STATUS = {
    "committed": "awaiting_payroll",  # the amount is fixed; payroll has not paid it yet
    "paid": "paid",
    "voided": "voided",  # the points went back to them, to be converted by a later run
}


def payouts(user_id: int) -> list[dict[str, Any]]:
    """Return the person's lines in committed, paid or voided runs, newest run first.

    Drafts are left out: nothing is decided until a run is committed.
    """
    rows = db.session.execute(
        select(BonusRunLine, BonusRun)
        .join(BonusRun, BonusRun.id == BonusRunLine.bonus_run_id)
        .where(BonusRunLine.user_id == user_id, BonusRun.status.in_(list(PAYROLL_STATUS)))
        .order_by(BonusRun.committed_at.desc(), BonusRun.id.desc())
    ).all()
    return [
        {
            "run_id": run.id,
            "since": timestamp(run.since_at),
            "until": timestamp(run.until_at),
            "points": line.points,
            "clawback_points": line.clawback_points,
            "amount_cents": line.amount_cents,
            "amount": major_units(line.amount_cents, run.currency),
            "currency": run.currency,
            "capped": line.capped,
            "status": PAYROLL_STATUS[run.status],
            "committed_at": timestamp(run.committed_at),
            "paid_at": timestamp(run.paid_at) if run.paid_at else None,
            "voided_at": timestamp(run.voided_at) if run.voided_at else None,
        }
        for line, run in rows
    ]
