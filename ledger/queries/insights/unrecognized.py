"""Unrecognized and silent: people in scope who received nothing lately, and who gave nothing.

Shown as prompts for a conversation, not as a blacklist: each person comes with the last time
they were recognized (or gave), and when they joined.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from ledger.db import db
from ledger.documents import user_reference
from ledger.models import AwardLine, Reversal, User
from ledger.queries.insights.reach import InsightScope

DEFAULT_PERIODS = 2


def unrecognized(scope: InsightScope) -> dict[str, Any]:
    """Return who in scope received nothing in the window, and who gave nothing in it."""
    members = scope.people()
    ids = [person.id for person in members]
    received = _in_window(scope, AwardLine.recipient_id, ids)
    gave = _in_window(scope, AwardLine.giver_id, ids)
    last_received = _last(AwardLine.recipient_id, ids, scope.window.until)
    last_given = _last(AwardLine.giver_id, ids, scope.window.until)
    managers = {
        user.id: user
        for user in db.session.scalars(
            select(User).where(User.id.in_({p.manager_id for p in members} - {None}))
        )
    }

    def row(person: User, last: datetime | None, key: str) -> dict[str, Any]:
        manager = managers.get(person.manager_id)
        return {
            "user": user_reference(person),
            "department": (
                {"id": person.department.id, "name": person.department.name}
                if person.department
                else None
            ),
            "manager": user_reference(manager) if manager else None,
            "joined_at": person.created_at,
            key: last,
        }

    def ordered(rows: list[dict], key: str) -> list[dict]:
        # Never first, then the longest ago; then by name.
        return sorted(rows, key=lambda r: (r[key] is not None, r[key] or 0, r["user"]["name"]))

    return {
        "scope": scope.scope,
        "since": scope.window.since,
        "until": scope.window.until,
        "people": len(members),
        "unrecognized": ordered(
            [row(p, last_received.get(p.id), "last_recognized_at")
             for p in members if p.id not in received],
            "last_recognized_at",
        ),
        "silent": ordered(
            [row(p, last_given.get(p.id), "last_given_at") for p in members if p.id not in gave],
            "last_given_at",
        ),
    }  # fmt: skip


def _unreversed(query):
    return query.outerjoin(Reversal, Reversal.award_id == AwardLine.award_id).where(
        Reversal.id.is_(None)
    )


def _in_window(scope: InsightScope, column, ids: list[int]) -> set[int]:
    query = _unreversed(select(column).distinct()).where(
        column.in_(ids or [0]),
        AwardLine.created_at >= scope.window.since,
        AwardLine.created_at < scope.window.until,
    )
    return set(db.session.scalars(query))


def _last(column, ids: list[int], until: datetime) -> dict[int, datetime]:
    query = _unreversed(select(column, func.max(AwardLine.created_at))).where(
        column.in_(ids or [0]), AwardLine.created_at < until
    )
    return dict(db.session.execute(query.group_by(column)).all())
