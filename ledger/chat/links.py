"""Link a Slack account to a Baton person: by an admin, or through a one-time link offer."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import insert, select, update

from ledger.db import db
from ledger.errors import NotFound, ValidationFailed
from ledger.i18n import N_, Phrase
from ledger.models import SlackLink, User
from ledger.operations import Actor, OperationResult, Outcome, run_operation

LINK_LIFETIME = timedelta(hours=1)
SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9]{1,31}$")


class SlackAccountTaken(ValidationFailed):
    """The Slack account is already linked to someone else."""


def check_slack_user_id(value: str | None) -> str | None:
    """Return a Slack member id in its canonical form, or refuse a malformed one."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not SLACK_USER_ID.match(value.strip().upper()):
        raise ValidationFailed(
            N_("A Slack member id looks like U0123ABCD (Profile → ⋮ → Copy member ID)."),
            field="slack_user_id",
        )
    return value.strip().upper()


def check_slack_owner(slack_user_id: str | None, user_id: int) -> None:
    """Refuse a Slack id that another person already holds."""
    if slack_user_id is None:
        return
    holder = db.session.scalar(
        select(User.name).where(User.slack_user_id == slack_user_id, User.id != user_id)
    )
    if holder is not None:
        raise SlackAccountTaken(
            Phrase(
                "Slack account {slack_user_id} is already linked to {holder}.",
                slack_user_id=slack_user_id,
                holder=holder,
            ),
            field="slack_user_id",
        )


def offer_link(
    slack_user_id: str, *, team_id: str, handle: str | None, now: datetime
) -> tuple[str, OperationResult]:
    """Record a one-time link offer for a Slack account and return its raw token (shown once)."""
    raw = secrets.token_urlsafe(32)

    def body(ctx):
        link_id = db.session.execute(
            insert(SlackLink)
            .values(
                token_hash=_hash(raw),
                slack_user_id=slack_user_id,
                slack_team_id=team_id[:32],
                slack_handle=(handle or None) and handle[:80],
                created_at=now,
                expires_at=now + LINK_LIFETIME,
            )
            .returning(SlackLink.id)
        ).scalar_one()
        return Outcome({"id": link_id}, "slack_link", link_id)

    return raw, run_operation("slack_link_offer", body, now=now, actor=Actor(None, None, "slack"))


def open_offer(raw: str, now: datetime) -> SlackLink | None:
    """Return the unused, unexpired offer behind a raw token, or None."""
    link = db.session.scalars(select(SlackLink).where(SlackLink.token_hash == _hash(raw))).first()
    if link is None or link.used_at is not None or link.expires_at <= now:
        return None
    return link


def claim_link(raw: str, *, user_id: int, now: datetime, actor: Actor) -> OperationResult:
    """Link the offer's Slack account to `user_id`; the offer can be used once only."""

    def body(ctx):
        link = db.session.scalars(
            select(SlackLink)
            .where(SlackLink.token_hash == _hash(raw))
            .with_for_update()
            .execution_options(populate_existing=True)
        ).first()
        if link is None or link.used_at is not None or link.expires_at <= now:
            raise NotFound(N_("This link has expired or was already used; type the command again."))
        check_slack_owner(link.slack_user_id, user_id)
        claimed = db.session.execute(
            update(SlackLink)
            .where(SlackLink.id == link.id, SlackLink.used_at.is_(None))
            .values(used_at=now, used_by_id=user_id)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed != 1:
            raise NotFound(N_("This link was already used."))
        db.session.execute(
            update(User)
            .where(User.id == user_id)
            .values(slack_user_id=link.slack_user_id, slack_handle=link.slack_handle)
            .execution_options(synchronize_session=False)
        )
        document = {"user_id": user_id, "slack_user_id": link.slack_user_id}
        return Outcome(document, "user", user_id, {"slack_user_id": link.slack_user_id})

    return run_operation("slack_link", body, now=now, actor=actor)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()
