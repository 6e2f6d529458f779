"""API tokens: create (shown once), authenticate, revoke; rights are scopes ∩ role."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import insert, select, update

from ledger.db import db, write_transaction
from ledger.documents import timestamp
from ledger.errors import NotFound, ValidationFailed
from ledger.i18n import N_, Phrase
from ledger.models import SCOPES, ApiToken, User
from ledger.operations import Actor, OperationResult, Outcome, run_operation
from ledger.text import check_text

PREFIX = "baton_"
LAST_USED_RESOLUTION = timedelta(minutes=1)
ROLE_SCOPES = {
    "employee": frozenset({"read", "award"}),
    "manager": frozenset({"read", "award", "manage"}),
    "admin": frozenset({"read", "award", "manage", "admin"}),
}


@dataclass(frozen=True)
class TokenPrincipal:
    user_id: int
    token_id: int
    scopes: frozenset[str]
    user: User | None = None  # loaded by the same statement as the token (one lookup)


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def allowed_scopes(user: User) -> frozenset[str]:
    """Return the scopes a person's role allows; on-behalf only for service accounts."""
    scopes = ROLE_SCOPES.get(user.role, frozenset())
    if user.kind == "service":
        scopes = scopes | {"on-behalf"}
    if user.kind == "bot":
        scopes = scopes & {"read"}
    return scopes if user.active else frozenset()


def check_on_behalf(user: User, wanted: set[str], *, creator_is_admin: bool) -> None:
    """Refuse on-behalf unless an admin grants it, with award, to a service account; say why."""
    if "on-behalf" not in wanted:
        return
    if user.kind != "service":
        raise ValidationFailed(
            Phrase(
                "The on-behalf scope is only for service accounts, and {name} is a {kind}: create "
                "a service account for the integration and give its token the award and on-behalf "
                "scopes.",
                name=user.name,
                kind=user.kind,
            ),
            field="scopes",
            needs_kind="service",
        )
    if "award" not in wanted:
        raise ValidationFailed(
            N_(
                "The on-behalf scope gives awards for others, so it needs the award scope too: "
                "add award."
            ),
            field="scopes",
            add_scopes=["award"],
        )
    if not creator_is_admin:
        raise ValidationFailed(N_("Only an admin may grant the on-behalf scope."), field="scopes")


def create_token(
    user_id: int,
    *,
    name: str,
    scopes: list[str],
    now: datetime,
    actor: Actor,
    creator_is_admin: bool = False,
    expires_days: int | None = None,
) -> tuple[str, OperationResult]:
    """Create a token and return it raw, once; only its hash is stored."""
    raw = PREFIX + secrets.token_urlsafe(32)

    def body(ctx):
        user = db.session.get(User, user_id)
        if user is None:
            raise NotFound(N_("No such user."))
        wanted = set(scopes)
        unknown = wanted - set(SCOPES)
        if unknown or not wanted:
            raise ValidationFailed(
                Phrase("Choose scopes among {choices}.", choices=", ".join(SCOPES)), field="scopes"
            )
        check_on_behalf(user, wanted, creator_is_admin=creator_is_admin)
        beyond = wanted - allowed_scopes(user)
        if beyond:
            raise ValidationFailed(
                Phrase(
                    "{name}'s role does not allow the scopes {choices}.",
                    name=user.name,
                    choices=", ".join(sorted(beyond)),
                ),
                field="scopes",
            )
        clean = (name or "").strip()
        check_text(clean, "name", min_visible=1)
        if not 1 <= len(clean) <= 100:
            raise ValidationFailed(N_("Name the token (1 to 100 characters)."), field="name")
        if expires_days is not None and not 1 <= expires_days <= 3650:
            raise ValidationFailed(N_("Expiry must be 1 to 3650 days."), field="expires_days")
        expires_at = now + timedelta(days=expires_days) if expires_days else None
        token_id = db.session.execute(
            insert(ApiToken)
            .values(
                user_id=user.id,
                name=clean,
                token_hash=token_hash(raw),
                hint=raw[:10],
                scopes=" ".join(sorted(wanted)),
                created_at=now,
                created_by_id=actor.user_id,
                expires_at=expires_at,
            )
            .returning(ApiToken.id)
        ).scalar_one()
        document = {
            "id": token_id,
            "name": clean,
            "scopes": sorted(wanted),
            "hint": raw[:10],
            "expires_at": timestamp(expires_at) if expires_at else None,
        }
        audited = {"owner_id": user.id, "name": clean, "scopes": sorted(wanted)}
        return Outcome(document, "token", token_id, {**audited, "expires_at": expires_at})

    result = run_operation("create_token", body, now=now, actor=actor)
    return raw, result


def authenticate_token(raw: str, *, now: datetime) -> TokenPrincipal | None:
    """Return who a raw token speaks for, with its effective scopes, or None."""
    if not raw.startswith(PREFIX) or len(raw) > 200:
        return None
    token = db.session.scalars(
        select(ApiToken).where(ApiToken.token_hash == token_hash(raw))
    ).first()
    if token is None or token.revoked_at is not None:
        return None
    if token.expires_at is not None and token.expires_at <= now:
        return None
    if not token.user.active:
        return None
    principal = TokenPrincipal(
        token.user_id, token.id, token.scope_set & allowed_scopes(token.user), token.user
    )
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_RESOLUTION:
        _touch(token.id, now)
    return principal


def revoke_token(
    token_id: int,
    *,
    now: datetime,
    actor: Actor,
    owner_id: int | None = None,
    service_only: bool = False,
) -> OperationResult:
    """Revoke a token; `owner_id` limits it to one person's tokens, `service_only` to services."""

    def body(ctx):
        query = update(ApiToken).where(ApiToken.id == token_id, ApiToken.revoked_at.is_(None))
        if owner_id is not None:
            query = query.where(ApiToken.user_id == owner_id)
        if service_only:
            services = select(User.id).where(User.kind == "service")
            query = query.where(ApiToken.user_id.in_(services))
        changed = db.session.execute(
            query.values(revoked_at=now).execution_options(synchronize_session=False)
        ).rowcount
        if not changed:
            raise NotFound(N_("No such active token."))
        return Outcome({"id": token_id, "revoked_at": timestamp(now)}, "token", token_id)

    return run_operation("revoke_token", body, now=now, actor=actor)


def token_list(user_ids: list[int]) -> list[dict]:
    """Describe the tokens of the given people, newest first; never the secret."""
    tokens = db.session.scalars(
        select(ApiToken)
        .where(ApiToken.user_id.in_(user_ids))
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ).all()
    return [
        {
            "id": token.id,
            "owner": token.user.reference(),
            "name": token.name,
            "hint": token.hint,
            "scopes": sorted(token.scope_set),
            "created_at": token.created_at,
            "expires_at": token.expires_at,
            "last_used_at": token.last_used_at,
            "revoked_at": token.revoked_at,
        }
        for token in tokens
    ]


def service_accounts() -> list[User]:
    """Return the active service accounts an admin may make tokens for."""
    return list(
        db.session.scalars(
            select(User).where(User.kind == "service", User.active).order_by(User.name, User.id)
        )
    )


def _touch(token_id: int, now: datetime) -> None:
    def work():
        db.session.execute(
            update(ApiToken)
            .where(ApiToken.id == token_id)
            .values(last_used_at=now)
            .execution_options(synchronize_session=False)
        )

    write_transaction(work)
