"""Reconciliation of add-ons: each thanks the same people, for the same reason, as its award."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, select, union
from sqlalchemy.orm import aliased

from ledger.db import db
from ledger.models import Award, AwardLine


def add_ons_agree() -> list[dict[str, Any]]:
    """Name each add-on whose recipients, service kind or giver break its award's rules."""
    add_on, award = aliased(Award), aliased(Award)
    own, theirs = aliased(AwardLine), aliased(AwardLine)
    # A recipient of the add-on its award does not have, or one of the award's it lacks.
    extra = (
        select(add_on.id)
        .join(own, own.award_id == add_on.id)
        .where(
            add_on.add_on_to_id.is_not(None),
            ~exists().where(
                theirs.award_id == add_on.add_on_to_id, theirs.recipient_id == own.recipient_id
            ),
        )
    )
    missing = (
        select(add_on.id)
        .join(theirs, theirs.award_id == add_on.add_on_to_id)
        .where(~exists().where(own.award_id == add_on.id, own.recipient_id == theirs.recipient_id))
    )
    unlike = (
        select(add_on.id)
        .join(award, award.id == add_on.add_on_to_id)
        .where(
            award.add_on_to_id.is_not(None)
            | (award.giver_id == add_on.giver_id)
            | (award.service_kind != add_on.service_kind)
        )
    )
    found = db.session.scalars(union(extra, missing, unlike)).all()
    return [{"check": "add_on", "award": award_id} for award_id in sorted(set(found))]
