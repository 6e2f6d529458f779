"""Which events become which mails: who receives each, and what the mail says.

Each event type has a `who` (run in the worker's fan-out transaction: names recipients and
the setting that governs their mail) and a `what` (run when the mail is sent: its template,
subject and values). The digest and the disabled-endpoint mail register here too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from ledger import clock
from ledger.db import db
from ledger.delivery.secrets import MAIL_LINKS, unseal
from ledger.i18n import in_language, translated
from ledger.mail import INVITATION, PASSWORD_LINK
from ledger.messages import reason_from, say
from ledger.models import ServiceKind, User
from ledger.preferences import enabled_for


@dataclass(frozen=True)
class Mail:
    """What one mail to one person says; `kind` is the setting that can turn it off."""

    template: str
    subject: str
    kind: str | None
    values: dict[str, Any] = field(default_factory=dict)


# who(data) -> [(person id, setting kind or None)]; what(data, person, payload) -> Mail
Who = Callable[[dict], list[tuple[int, str | None]]]
What = Callable[[dict, User, dict], Mail]
KINDS: dict[str, tuple[Who, What]] = {}
# Mails a person asked for (or an admin for them): not notifications, so
# BATON_MAIL_NOTIFICATIONS does not stop them and no setting or unsubscribe link applies.
ASKED_FOR = frozenset({INVITATION, PASSWORD_LINK})


def mail_kind(event_type: str, who: Who, what: What) -> None:
    KINDS[event_type] = (who, what)


def active_with(user_ids, kind: str | None) -> list[tuple[int, str | None]]:
    """Keep the active people with an address who have `kind` on (all of them for None)."""
    ids = set(user_ids) if kind is None else enabled_for(user_ids, kind)
    if not ids:
        return []
    found = db.session.scalars(
        select(User.id).where(User.id.in_(ids), User.active.is_(True), User.email.is_not(None))
    )
    return [(user_id, kind) for user_id in sorted(found)]


def award_who(data: dict) -> list[tuple[int, str | None]]:
    return active_with({line["recipient"]["id"] for line in data["lines"]}, "award_mail")


def award_what(data: dict, person: User, payload: dict) -> Mail:
    points = sum(line["points"] for line in data["lines"] if line["recipient"]["id"] == person.id)
    giver = data["giver"]["name"]
    code = data["service_kind"]
    kind = db.session.scalar(select(ServiceKind.name).where(ServiceKind.code == code))
    language = person.language
    why = reason_from(data["message"], language)
    subject = say("award.subject", language, giver=giver, why=why, points=points)
    with in_language(language):  # a built-in kind's name in the reader's language
        kind_name = translated(kind) if kind else data["service_kind"]
    values = {"giver": giver, "points": points, "kind_name": kind_name}
    return Mail("award", subject, "award_mail", {**values, "message": data["message"]})


def link_who(data: dict) -> list[tuple[int, str | None]]:
    return active_with({data["user"]["id"]}, None)


def link_what(template: str) -> What:
    def what(data: dict, person: User, payload: dict) -> Mail:
        # Asked for by or for the person: no setting turns these off, so no unsubscribe.
        link = unseal(data["sealed_link"], MAIL_LINKS) or say("link.lost", person.language)
        return Mail(template, say(f"{template}.subject", person.language), None, {"link": link})

    return what


def digest_who(data: dict) -> list[tuple[int, str | None]]:
    from ledger.mail.digest import managers

    return active_with(managers(), "digest")


def digest_what(data: dict, person: User, payload: dict) -> Mail:
    from ledger.mail.digest import digest_for
    from ledger.rules import DIRECTIONS

    digest = digest_for(person.id, data, clock.utcnow())
    subject = say("digest.subject", person.language, week=data["week"])
    return Mail("digest", subject, "digest", {"digest": digest, "directions": DIRECTIONS})


def disabled_who(data: dict) -> list[tuple[int, str | None]]:
    owner = data.get("owner")
    return active_with({owner["id"]}, "webhook_mail") if owner else []


def disabled_what(data: dict, person: User, payload: dict) -> Mail:
    subject = say("webhook_disabled.subject", person.language, url=data["url"])
    values = {"url": data["url"], "reason": data["reason"], "webhook_id": data["id"]}
    return Mail("webhook_disabled", subject, "webhook_mail", values)


mail_kind("award.created", award_who, award_what)
mail_kind("webhook.disabled", disabled_who, disabled_what)
mail_kind("digest.weekly", digest_who, digest_what)
mail_kind(INVITATION, link_who, link_what("invitation"))
mail_kind(PASSWORD_LINK, link_who, link_what("password"))
