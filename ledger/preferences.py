"""Each person's choice of notifications: award mail, in-app notices, the manager digest."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from ledger.db import db
from ledger.errors import ValidationFailed
from ledger.i18n import LANGUAGES, N_, Phrase
from ledger.models import SETTING_KINDS, NotificationSetting, User
from ledger.operations import Actor, OperationResult, Outcome, run_operation

LABELS = {
    "award_mail": N_("Mail me when someone gives me points"),
    "in_app": N_("Show notices in Baton (awards, reversals, bonus payouts)"),
    "digest": N_("Mail me a weekly digest of my people's recognition (managers)"),
    "webhook_mail": N_("Mail me when Baton disables a webhook endpoint I made (admins)"),
}


def settings_for(user_id: int) -> dict[str, bool]:
    """Return every kind with whether it is on for the person (on unless turned off)."""
    stored = dict(
        db.session.execute(
            select(NotificationSetting.kind, NotificationSetting.enabled).where(
                NotificationSetting.user_id == user_id
            )
        ).all()
    )
    return {kind: stored.get(kind, True) for kind in SETTING_KINDS}


def enabled_for(user_ids: Iterable[int], kind: str) -> set[int]:
    """Return which of these people have `kind` on."""
    ids = set(user_ids)
    off = set(
        db.session.scalars(
            select(NotificationSetting.user_id).where(
                NotificationSetting.user_id.in_(ids),
                NotificationSetting.kind == kind,
                NotificationSetting.enabled.is_(False),
            )
        )
    )
    return ids - off


def change_settings(
    user_id: int, choices: Mapping[str, bool], *, now: datetime, actor: Actor
) -> OperationResult:
    """Turn kinds of notification on or off for one person; the result is all their settings."""
    unknown = set(choices) - set(SETTING_KINDS)
    if unknown or not all(isinstance(value, bool) for value in choices.values()):
        raise ValidationFailed(
            Phrase("Settings are {choices}, each true or false.", choices=", ".join(SETTING_KINDS))
        )

    def body(ctx):
        dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
        for kind, enabled in sorted(choices.items()):
            statement = dialect.insert(NotificationSetting).values(
                user_id=user_id, kind=kind, enabled=enabled, updated_at=now
            )
            db.session.execute(
                statement.on_conflict_do_update(
                    index_elements=["user_id", "kind"],
                    set_={"enabled": enabled, "updated_at": now},
                )
            )
        return Outcome(settings_for(user_id), "user", user_id, dict(choices))

    return run_operation("notification_settings", body, now=now, actor=actor)


def change_language(
    user_id: int, language: str | None, *, now: datetime, actor: Actor
) -> OperationResult:
    """Set the language of a person's pages and mail; None follows their browser again."""
    if language is not None and language not in LANGUAGES:
        raise ValidationFailed(
            Phrase("Choose a language among {choices}.", choices=", ".join(LANGUAGES)),
            field="language",
        )

    def body(ctx):
        db.session.execute(
            update(User)
            .where(User.id == user_id)
            .values(language=language)
            .execution_options(synchronize_session=False)
        )
        return Outcome({"language": language}, "user", user_id, {"language": language})

    return run_operation("change_language", body, now=now, actor=actor)
