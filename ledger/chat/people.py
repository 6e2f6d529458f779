"""Find the Baton people behind a chat account and the people a command names."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select

from ledger.chat.grammar import Mention
from ledger.db import db
from ledger.errors import UnknownRecipient
from ledger.i18n import Phrase
from ledger.models import User


def person_for_slack(slack_user_id: str) -> User | None:
    """Return the person linked to a Slack member id, if any."""
    return db.session.scalars(select(User).where(User.slack_user_id == slack_user_id)).first()


def resolve_mentions(mentions: Sequence[Mention]) -> list[int]:
    """Return the user id each mention names, in order; refuse one that names no one or many."""
    return [_resolve(mention, index) for index, mention in enumerate(mentions)]


def _resolve(mention: Mention, index: int) -> int:
    if mention.slack_user_id is not None:
        user = person_for_slack(mention.slack_user_id)
        if user is None:
            raise UnknownRecipient(
                Phrase(
                    "{shown} has not linked their Slack account to Baton yet; they can link it by "
                    "typing the command once.",
                    shown=mention.shown(),
                ),
                index=index,
            )
        return user.id
    handle = mention.handle or ""
    linked = db.session.scalars(
        select(User.id).where(func.lower(User.slack_handle) == handle)
    ).all()
    if len(linked) == 1:
        return linked[0]
    # The handle as the local part of an email: `@ann` for ann@example.com, if only one.
    pattern = handle.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_") + "@%"
    candidates = db.session.execute(
        select(User.id, User.active).where(
            User.email.like(pattern, escape="\\"), User.kind == "person"
        )
    ).all()
    active = [row.id for row in candidates if row.active]
    if len(candidates) == 1:
        return candidates[0].id
    if len(active) == 1:
        return active[0]
    if not candidates:
        raise UnknownRecipient(
            Phrase("No one in Baton goes by @{handle}.", handle=handle), index=index
        )
    raise UnknownRecipient(
        Phrase(
            "@{handle} matches {candidates_count} people; mention them with Slack's @ picker.",
            handle=handle,
            candidates_count=len(candidates),
        ),
        index=index,
    )
