"""Collect a run's award lines from the ledger and apply its rule: the preview, never a write."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select

from ledger.db import db
from ledger.id_lists import among
from ledger.models import Account, AwardLine, BonusRun, Conversion, Reversal, User
from ledger.operations import request_hash

from . import rules
from .customers import distinct_customers
from .scope import scope_members


@dataclass(frozen=True)
class Preview:
    """What a run converts now: per person the award lines, points and amount."""

    result: rules.Result
    line_ids: dict[int, tuple[tuple[int, int], ...]]  # user id -> ((award line id, points), ...)

    @property
    def eligible(self) -> list[rules.Line]:
        return [line for line in self.result.lines if line.eligible]

    @property
    def all_line_ids(self) -> list[int]:
        return [line_id for pairs in self.line_ids.values() for line_id, _ in pairs]

    @property
    def digest(self) -> str:
        """Hash everything commit must find unchanged: people, lines, clawbacks, amounts."""
        return request_hash(
            [
                (line, self.line_ids[line.user_id])
                for line in sorted(self.result.lines, key=lambda line: line.user_id)
            ]
        )


def rule_of(run: BonusRun) -> rules.Rule:
    return rules.Rule(
        run.rule, run.cents_per_point, run.pool_cents, run.cap_cents, run.min_points,
        run.customers_k,
    )  # fmt: skip


def preview(run: BonusRun, creator: User) -> Preview:
    """Derive the run's lines from the org chart and the ledger as they stand now."""
    members = scope_members(run.scope, creator)
    lines = unconverted_lines(members, run.since_at, run.until_at, exclude_giver=creator.id)
    owed = clawbacks_owed(lines)
    customers = distinct_customers(lines) if run.customers_k is not None else {}
    people = [
        rules.Person(user_id, sum(points for _, points in lines[user_id]), owed.get(user_id, 0),
                     customers.get(user_id, 0))
        for user_id in sorted(lines)
    ]  # fmt: skip
    return Preview(rules.compute(rule_of(run), people), lines)


def unconverted_lines(
    members: Collection[int], since: datetime, until: datetime, *, exclude_giver: int
) -> dict[int, tuple[tuple[int, int], ...]]:
    """Return each member's unconverted, unreversed award lines received in the window."""
    if not members:
        return {}
    reversed_ = exists().where(Reversal.award_id == AwardLine.award_id)
    rows = db.session.execute(
        select(AwardLine.recipient_id, AwardLine.id, AwardLine.points)
        .where(
            among(AwardLine.recipient_id, members),
            AwardLine.created_at >= since,
            AwardLine.created_at < until,
            AwardLine.giver_id != exclude_giver,
            not_converted(),
            ~reversed_,
        )
        .order_by(AwardLine.recipient_id, AwardLine.id)
    ).all()
    found: dict[int, list[tuple[int, int]]] = {}
    for recipient_id, line_id, points in rows:
        found.setdefault(recipient_id, []).append((line_id, points))
    return {user_id: tuple(pairs) for user_id, pairs in found.items()}


def not_converted():
    """The condition that an award line has no live conversion."""
    return ~exists().where(Conversion.award_line_id == AwardLine.id, Conversion.voided_at.is_(None))


def clawbacks_owed(user_ids: Collection[int]) -> dict[int, int]:
    """Return the points each person still owes on their clawback account."""
    if not user_ids:
        return {}
    rows = db.session.execute(
        select(Account.user_id, Account.balance).where(
            Account.kind == "clawback", among(Account.user_id, user_ids), Account.balance < 0
        )
    )
    return {user_id: -balance for user_id, balance in rows}


def lock_line_ids(ids: Collection[int]) -> None:
    """Lock award lines in id order: commit, void and reversal all take them before accounts.

    The ids go as one parameter (`among`): a month of a large company has more lines than
    PostgreSQL takes parameters in one statement. SQLite has no row locks; its writers are
    one at a time (BEGIN IMMEDIATE), so there is nothing to take.
    """
    if ids and db.session.get_bind().dialect.name != "sqlite":
        db.session.execute(
            select(AwardLine.id)
            .where(among(AwardLine.id, ids))
            .order_by(AwardLine.id)
            .with_for_update(key_share=True)
        ).all()
