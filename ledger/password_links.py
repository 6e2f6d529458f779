"""Invitations and password resets: one-time links that let a person set a password.

A link is a random secret in a URL; only its SHA-256 is stored. It works once, until it
expires (an hour for a reset, three days for an invitation), and dies when a later link is
made for the same person or their password changes. Mail goes through the outbox (the
worker sends it after the commit); without mail the adapter shows the link to the admin.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import insert, select, update

from ledger import audit
from ledger.config import is_production
from ledger.db import db, write_transaction
from ledger.errors import NotFound, ValidationFailed
from ledger.i18n import N_, Phrase
from ledger.mail import password_link_event, send_invitation
from ledger.models import PasswordLink, User
from ledger.operations import Actor, OperationResult, Outcome, run_operation
from ledger.outbox import append
from ledger.sessions import revoke_open_links, store_password

LIFETIMES = {"invitation": timedelta(days=3), "reset": timedelta(hours=1)}
MAX_INVITATIONS = 5000  # one operation; a bigger company invites in batches
PATH = "/set-password/"


@dataclass(frozen=True)
class IssuedLink:
    """A link made for one person: the URL is shown to the admin only when not mailed."""

    person: dict[str, Any]
    url: str
    mailed: bool


def mail_configured() -> bool:
    """Tell whether Baton can mail links (BATON_SMTP_URL is set)."""
    return bool(current_app.config.get("BATON_SMTP_URL"))


def invite(user_ids: Iterable[int], *, now: datetime, actor: Actor, mail: bool) -> list[IssuedLink]:
    """Make an invitation link for each active person named and mail it when `mail` is set.

    Unknown, inactive, bot and service accounts are refused (NotFound) and nothing is made.
    """
    ids = sorted(set(user_ids))
    if not ids:
        raise ValidationFailed(N_("Choose at least one person to invite."))
    if len(ids) > MAX_INVITATIONS:
        raise ValidationFailed(
            Phrase(
                "Invite at most {MAX_INVITATIONS} people at a time.",
                MAX_INVITATIONS=MAX_INVITATIONS,
            )
        )
    issued: list[IssuedLink] = []

    def body(ctx):
        issued.clear()
        people = db.session.scalars(
            select(User).where(User.id.in_(ids), User.active.is_(True), User.kind == "person")
        ).all()
        if len(people) != len(ids):
            raise NotFound(N_("Only active people can be invited."))
        for person in sorted(people, key=lambda p: (p.name, p.id)):
            url = _new_link(person.id, "invitation", now, actor)
            if mail:
                send_invitation(person, url, ctx)
            issued.append(IssuedLink(person.reference(), url, mail))
        one = ids[0] if len(ids) == 1 else None
        return Outcome(
            {"invited": len(ids), "mailed": mail},
            "user" if one else None,
            one,
            {"people": ids, "mailed": mail},
        )

    run_operation("invite", body, now=now, actor=actor)
    return list(issued)


def request_reset(email: str, *, now: datetime, actor: Actor) -> None:
    """Mail a password link to the active person with this address; tell no one if there is none.

    Both paths write one audit row in one transaction, so neither the answer nor its time
    says whether the address is known.
    """
    address = (email or "").strip().lower()[:254]

    def work():
        person = db.session.scalars(select(User).where(User.email == address)).first()
        if person is None or not person.active or person.kind != "person":
            outcome = "unknown_email" if person is None else "inactive"
        elif not (mail_configured() or not is_production(current_app)):
            outcome = "no_mail"
        else:
            url = _new_link(person.id, "reset", now, actor)
            append([password_link_event(person, url)], now=now)
            outcome = "ok"
        audit.record(
            "password_reset_requested",
            actor=actor,
            now=now,
            outcome=outcome,
            object_type="user" if person is not None else None,
            object_id=person.id if person is not None else None,
            details={"email": address},
        )

    write_transaction(work)


def admin_link(user_id: int, *, now: datetime, actor: Actor) -> str:
    """Make an invitation link for an admin to hand over (the CLI's set-password)."""
    return invite([user_id], now=now, actor=actor, mail=False)[0].url


def link_user(raw: str, now: datetime) -> User | None:
    """Return the active person a link names, if it is unused, unexpired and not replaced."""
    link = _open_link(raw, now)
    if link is None:
        return None
    user = db.session.get(User, link.user_id)
    return user if user is not None and user.active else None


def set_password_by_link(raw: str, new: str, *, now: datetime, actor: Actor) -> OperationResult:
    """Set a password through a link; the link is spent in the same transaction (once only)."""

    def body(ctx):
        link = _open_link(raw, now)
        user = db.session.get(User, link.user_id) if link is not None else None
        if link is None or user is None or not user.active:
            raise NotFound(N_("This link has expired or was already used; ask for a new one."))
        # Spend it with a conditional update: of two racing submits only one finds it open.
        spent = db.session.execute(
            update(PasswordLink)
            .where(PasswordLink.id == link.id, PasswordLink.used_at.is_(None))
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if spent != 1:
            raise NotFound(N_("This link has expired or was already used; ask for a new one."))
        store_password(user.id, new, now)
        return Outcome({"id": user.id}, "user", user.id, {"purpose": link.purpose})

    return run_operation("set_password", body, now=now, actor=actor)


def _new_link(user_id: int, purpose: str, now: datetime, actor: Actor) -> str:
    raw = secrets.token_urlsafe(32)
    # A later link replaces every earlier one of the person, whatever its purpose.
    revoke_open_links(user_id, now)
    db.session.execute(
        insert(PasswordLink).values(
            user_id=user_id,
            purpose=purpose,
            token_hash=_hash(raw),
            created_at=now,
            created_by_id=actor.user_id,
            expires_at=now + LIFETIMES[purpose],
        )
    )
    base = str(current_app.config["BATON_BASE_URL"]).rstrip("/")
    return f"{base}{PATH}{raw}"


def _open_link(raw: str, now: datetime) -> PasswordLink | None:
    if not raw or len(raw) > 100:
        return None
    link = db.session.scalars(
        select(PasswordLink)
        .where(PasswordLink.token_hash == _hash(raw))
        .execution_options(populate_existing=True)
    ).first()
    if link is None or link.used_at is not None or link.revoked_at is not None:
        return None
    return link if link.expires_at > now else None


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()
