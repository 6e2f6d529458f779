"""In-app notices: written inside the operation that causes them, marked read when seen."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import exists, insert, literal, select, update

from ledger.db import db, write_transaction
from ledger.models import Notification, NotificationSetting, User
from ledger.operations import OperationContext, canonical

MESSAGE_EXCERPT = 280


def notify(
    ctx: OperationContext,
    notices: Iterable[tuple[int, str, dict[str, Any]]],
    *,
    award_id: int | None = None,
    bonus_run_id: int | None = None,
) -> int:
    """Write (user id, kind, details) notices in the caller's transaction; skip people who
    turned in-app notices off. Returns how many were written."""
    notices = list(notices)
    if not notices:
        return 0
    users = [user_id for user_id, _, _ in notices]
    if len({(kind, canonical(details)) for _, kind, details in notices}) == 1 and len(
        set(users)
    ) == len(users):
        # The common case (an award's recipients): one INSERT ... SELECT skips the muted.
        _, kind, details = notices[0]
        return _insert_for(users, kind, canonical(details), ctx, award_id, bonus_run_id)
    muted = set(
        db.session.scalars(
            select(NotificationSetting.user_id).where(
                NotificationSetting.user_id.in_(set(users)), *_MUTED
            )
        )
    )
    rows = [
        {
            "user_id": user_id,
            "kind": kind,
            "operation_id": ctx.operation_id,
            "award_id": award_id,
            "bonus_run_id": bonus_run_id,
            "details": canonical(details),
            "created_at": ctx.now,
        }
        for user_id, kind, details in notices
        if user_id not in muted
    ]
    if rows:
        db.session.execute(insert(Notification), rows)
    return len(rows)


_MUTED = (NotificationSetting.kind == "in_app", NotificationSetting.enabled.is_(False))


def _insert_for(users, kind, details, ctx, award_id, bonus_run_id) -> int:
    """Insert one notice per user, in user id order, except for those who turned them off."""
    columns = Notification.__table__.c
    values = {
        "kind": kind,
        "operation_id": ctx.operation_id,
        "award_id": award_id,
        "bonus_run_id": bonus_run_id,
        "details": details,
        "created_at": ctx.now,
    }
    muted = exists().where(NotificationSetting.user_id == User.id, *_MUTED)
    chosen = (
        select(User.id, *(literal(value, columns[name].type) for name, value in values.items()))
        .where(User.id.in_(users), ~muted)
        .order_by(User.id)
    )
    statement = insert(Notification).from_select(["user_id", *values], chosen)
    return db.session.execute(statement).rowcount


def notify_without_operation(
    user_id: int, kind: str, details: dict[str, Any], now: datetime
) -> bool:
    """Write one notice in the caller's transaction for something no operation did (the
    worker disabling an endpoint); skipped when the person turned in-app notices off."""
    muted = db.session.scalar(
        select(NotificationSetting.user_id).where(
            NotificationSetting.user_id == user_id,
            NotificationSetting.kind == "in_app",
            NotificationSetting.enabled.is_(False),
        )
    )
    if muted is not None:
        return False
    db.session.execute(
        insert(Notification).values(
            user_id=user_id, kind=kind, details=canonical(details), created_at=now
        )
    )
    return True


def excerpt(message: str) -> str:
    """Shorten an award message for a notice."""
    message = message.strip()
    return message if len(message) <= MESSAGE_EXCERPT else message[: MESSAGE_EXCERPT - 1] + "…"


def mark_read(user_id: int, notification_ids: Iterable[int], now: datetime) -> int:
    """Mark a person's notices read (only their own, only once); return how many changed."""
    ids = sorted(set(notification_ids))
    if not ids:
        return 0

    def work() -> int:
        return db.session.execute(
            update(Notification)
            .where(
                Notification.user_id == user_id,
                Notification.id.in_(ids),
                Notification.read_at.is_(None),
            )
            .values(read_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount

    return write_transaction(work)
