"""Sign a person in through OpenID Connect: find who the provider vouches for, or refuse."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from ledger import audit
from ledger.db import db
from ledger.errors import LedgerError, NotFound
from ledger.i18n import N_
from ledger.models import User
from ledger.operations import Actor, Outcome, run_operation
from ledger.queries.people import user_by_email, user_by_id
from ledger.services.directory import create_user
from ledger.sessions import signed_in
from ledger.text import storable, text_problem

MAX_DETAIL = 200


@dataclass(frozen=True)
class OidcIdentity:
    """What a verified ID token (and the user info) say about the person."""

    subject: str
    email: str | None = None
    email_verified: bool = False
    name: str | None = None


class SsoRefused(LedgerError):
    """The provider vouched for someone Baton will not sign in; `details["reason"]` says why."""

    code = "sso_refused"
    default_message = "Single sign-on did not let you in."


def sign_in_with_oidc(
    identity: OidcIdentity, *, trust_emails: bool, create_users: bool, now: datetime, actor: Actor
) -> User:
    """Return the person the identity names (by subject, then by a trusted email) and record
    the sign-in; link the subject on a first match by email; create an employee if allowed.

    Raises SsoRefused (audited as `sign_in_failed`) for anyone else.
    """
    user = None
    matched_by = "subject"
    try:
        if not storable(identity.subject) or len(identity.subject) > 255:
            raise SsoRefused(reason="bad_subject")
        by_subject = select(User).where(User.oidc_subject == identity.subject)
        user = db.session.scalars(by_subject).first()
        if user is None:
            user, matched_by = _by_email(identity, trust_emails, create_users, now, actor)
        if user.kind != "person":
            raise SsoRefused(reason="not_a_person")
        if not user.active:
            raise SsoRefused(reason="inactive")
    except SsoRefused as refusal:
        sso_failed(
            refusal.details["reason"],
            now=now,
            actor=actor,
            user_id=user and user.id,
            details={"subject": identity.subject, "email": identity.email},
        )
        raise
    signed_in(user.id, "oidc", now=now, actor=actor, matched_by=matched_by)
    return user


def unlink_oidc_subject(user_id: int, *, now: datetime, actor: Actor) -> dict[str, Any]:
    """Forget a person's provider subject, so that their next single sign-on links anew by a
    verified email (their account at the provider was replaced); their sessions end."""

    def body(ctx):
        person = db.session.get(User, user_id, populate_existing=True)
        if person is None:
            raise NotFound(N_("No such person."))
        db.session.execute(
            update(User)
            .where(User.id == user_id)
            .values(oidc_subject=None, session_version=User.session_version + 1)
            .execution_options(synchronize_session=False)
        )
        unlinked = person.oidc_subject
        return Outcome({"id": user_id, "email": person.email, "unlinked": unlinked is not None},
                       "user", user_id, {"subject": (unlinked or "")[:MAX_DETAIL]})  # fmt: skip

    return run_operation("unlink_oidc_subject", body, now=now, actor=actor).document


def sso_failed(
    reason: str,
    *,
    now: datetime,
    actor: Actor,
    user_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Audit a single sign-on that did not end in a session (protocol failure or refusal)."""
    kept = {key: str(value)[:MAX_DETAIL] for key, value in (details or {}).items() if value}
    audit.record_alone(
        "sign_in_failed",
        actor=replace(actor, user_id=None),
        now=now,
        outcome=reason,
        object_type="user" if user_id is not None else None,
        object_id=user_id,
        details={"method": "oidc", **kept},
    )


def _by_email(identity, trust_emails, create_users, now, actor) -> tuple[User, str]:
    email = (identity.email or "").strip().lower()
    if not email or text_problem(email) is not None:
        raise SsoRefused(reason="no_email")
    if not (identity.email_verified or trust_emails):
        raise SsoRefused(reason="email_unverified")
    user = user_by_email(email)
    if user is None:
        if not create_users:
            raise SsoRefused(reason="unknown_person")
        return _create(identity, email, now, actor), "created"
    if user.oidc_subject is not None:
        # Linked to another account at the provider: an address passed on is not a person.
        raise SsoRefused(reason="subject_mismatch")
    if user.kind == "person" and user.active:
        _link(user.id, identity.subject, now, actor)
    return user, "email"


def _create(identity: OidcIdentity, email: str, now: datetime, actor: Actor) -> User:
    name = (identity.name or "").strip()[:200] or email.split("@", 1)[0]
    try:
        result = create_user(email, name=name, oidc_subject=identity.subject, now=now, actor=actor)
    except LedgerError as error:
        raise SsoRefused(reason="cannot_create") from error
    return user_by_id(result.document["id"])


def _link(user_id: int, subject: str, now: datetime, actor: Actor) -> None:
    """Store the provider's subject on the person, so a later email change keeps them."""

    def body(ctx):
        linked = db.session.execute(
            update(User)
            .where(User.id == user_id, User.oidc_subject.is_(None))
            .values(oidc_subject=subject)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not linked:
            raise SsoRefused(reason="subject_mismatch")
        return Outcome({"id": user_id}, "user", user_id, {"subject": subject[:MAX_DETAIL]})

    run_operation("link_oidc_subject", body, now=now, actor=replace(actor, user_id=user_id))
    db.session.expire_all()
