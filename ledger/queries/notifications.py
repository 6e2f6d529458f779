"""Read a person's in-app notices: the unread count for the navigation and the list."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select

from ledger.db import db
from ledger.models import Notification

PAGE = 50


def unread_count(user_id: int) -> int:
    """Count the person's unread notices."""
    return db.session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
    )


def notifications_for(user_id: int, limit: int = PAGE) -> list[dict[str, Any]]:
    """Return the person's newest notices first, each with its details and whether unread."""
    rows = db.session.scalars(
        select(Notification)
        .where(Notification.user_id == user_id)
        .order_by(Notification.id.desc())
        .limit(limit)
    ).all()
    return [
        {
            "id": row.id,
            "kind": row.kind,
            "award_id": row.award_id,
            "bonus_run_id": row.bonus_run_id,
            "details": json.loads(row.details),
            "created_at": row.created_at,
            "unread": row.read_at is None,
        }
        for row in rows
    ]
