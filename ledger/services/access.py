"""Who may act: password hashes, the last-admin rule, and ending a leaver's access."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select, update
from werkzeug.security import generate_password_hash

from ledger.db import db
from ledger.errors import CannotChangeSelf, ValidationFailed
from ledger.i18n import N_, Phrase
from ledger.models import Account, ApiToken, User
from ledger.operations import Actor
from ledger.services.periods import CHUNK, expire_allowances

MIN_PASSWORD = 10


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise ValidationFailed(
            Phrase(
                "Use a password of at least {MIN_PASSWORD} characters.", MIN_PASSWORD=MIN_PASSWORD
            ),
            field="password",
        )
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def check_admin_rules(user: User, actor: Actor, *, demoting: bool, deactivating: bool) -> None:
    """Refuse to demote or deactivate oneself, or the last active admin."""
    if not (demoting or deactivating):
        return
    if actor.user_id is not None and actor.user_id == user.id:
        if deactivating:
            raise CannotChangeSelf(N_("You cannot deactivate yourself; ask another admin."))
        raise CannotChangeSelf(N_("You cannot demote yourself; ask another admin."))
    if user.role == "admin" and user.active and active_admins(excluding=[user.id]) == 0:
        raise CannotChangeSelf(
            Phrase("{name} is the last active admin; appoint another first.", name=user.name)
        )


def active_admins(excluding: Iterable[int] = ()) -> int:
    """Count the active admins, leaving out the given ids."""
    query = select(func.count()).select_from(User).where(User.role == "admin", User.active)
    skip = list(excluding)
    if skip:
        query = query.where(User.id.not_in(skip))
    return db.session.scalar(query) or 0


def end_access(ctx, user_ids: list[int], now: datetime) -> int:
    """End sessions and tokens and expire the open allowances of people being deactivated.

    Runs inside the caller's operation; returns the points expired.
    """
    expired_total = 0
    for start in range(0, len(user_ids), CHUNK):
        ids = sorted(user_ids[start : start + CHUNK])
        db.session.execute(
            update(User)
            .where(User.id.in_(ids))
            .values(session_version=User.session_version + 1)
            .execution_options(synchronize_session=False)
        )
        db.session.execute(
            update(ApiToken)
            .where(ApiToken.user_id.in_(ids), ApiToken.revoked_at.is_(None))
            .values(revoked_at=now)
            .execution_options(synchronize_session=False)
        )
        accounts = expire_allowances(ctx, Account.user_id.in_(ids))
        expired_total += sum(row.balance for row in accounts)
    return expired_total
