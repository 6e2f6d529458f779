"""Distinct internal customers behind a person's points in a bonus run, for the rule that
weights points by them (points x min(1, customers / k))."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select

from ledger.db import db
from ledger.id_lists import among
from ledger.models import AwardLine, Conversion


def distinct_customers(lines: dict[int, tuple[tuple[int, int], ...]]) -> dict[int, int]:
    """Return, per person, how many distinct people gave the award lines a preview pays."""
    ids = [line_id for pairs in lines.values() for line_id, _ in pairs]
    givers: dict[int, set[int]] = defaultdict(set)
    rows = db.session.execute(
        select(AwardLine.recipient_id, AwardLine.giver_id)
        .where(among(AwardLine.id, ids))
        .distinct()
    )
    for recipient_id, giver_id in rows:
        givers[recipient_id].add(giver_id)
    return {user_id: len(found) for user_id, found in givers.items()}


def customers_in_run(run_id: int) -> dict[int, int]:
    """Return, per person, how many distinct people gave the lines a committed run converted."""
    rows = db.session.execute(
        select(Conversion.user_id, func.count(AwardLine.giver_id.distinct()))
        .join(AwardLine, AwardLine.id == Conversion.award_line_id)
        .where(Conversion.bonus_run_id == run_id)
        .group_by(Conversion.user_id)
    )
    return dict(rows.all())
