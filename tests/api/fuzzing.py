"""The world both fuzz runs start from: an admin who can give plenty, and people to receive."""

from __future__ import annotations

import itertools
from datetime import date

from ledger.db import db
from ledger.models import Policy
from tests.api.conftest import ALL_SCOPES, token_for
from tests.factories import NOW, make_award, make_user

KINDS = ["need", "proactive", "handoff", "lead-time"]


def seed_fuzz_world(people: int = 25) -> tuple[str, list[int], list[str]]:
    """Seed the database; return a token holding every scope, the people's ids, the kinds.

    The people also award each other, so that a bonus run by the admin has lines to pay (a
    run never pays lines its creator gave).
    """
    db.session.add(
        Policy(
            effective_from=date(2000, 1, 1),
            period_length="month",
            base_allowance=10**9,
            manager_boost=0,
            max_points_per_recipient=1000,
            created_at=NOW,
        )
    )
    db.session.commit()
    admin = make_user("fuzz-admin@example.com", role="admin")
    reports = [make_user(f"fuzz{n}@example.com", manager=admin.email) for n in range(people)]
    for giver, recipient in itertools.pairwise(reports):
        make_award(giver, [recipient], points=10)
    return token_for(admin, ALL_SCOPES), [person.id for person in reports], list(KINDS)
