"""Who is calling the API, and may they: bearer tokens, the cookie rule, scopes, deny by default."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app, g, request
from flask_login import current_user

from api.errors import error_response
from ledger.clock import utcnow
from ledger.i18n import N_, Phrase
from ledger.models import User
from ledger.operations import Actor, IdempotencyKey, request_hash
from ledger.queries.people import user_by_id
from ledger.tokens import PREFIX, allowed_scopes, authenticate_token
from ops.edge import is_api_request
from ops.observe import current_request_id

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
PUBLIC = "public"
ANY_SCOPE = "any"  # any valid credentials, whatever their scopes (GET /me)
CREDENTIAL_PARAMETERS = frozenset({"access_token", "token", "api_key"})
# A raw token: the prefix and at least 128 bits of URL-safe base64 (a search for the word
# "baton_" is not one).
TOKEN_SHAPE = re.compile(re.escape(PREFIX) + r"[A-Za-z0-9_-]{22,}")


@dataclass(frozen=True)
class Principal:
    user: User
    scopes: frozenset[str]
    token_id: int | None

    @property
    def name(self) -> str:
        return f"user:{self.user.id}"

    def actor(self, on_behalf_of_id: int | None = None) -> Actor:
        return Actor(
            self.user.id,
            on_behalf_of_id,
            current_request_id(),
            token_id=self.token_id,
            client_address=request.remote_addr,
        )


def requires(scope: str) -> Callable:
    """Declare the scope a view needs; views without a declaration are refused."""

    def mark(view: Callable) -> Callable:
        view._baton_scope = scope
        return view

    return mark


def idempotent(view: Callable) -> Callable:
    """Declare that a view moves points and so needs an Idempotency-Key header."""
    view._baton_idempotent = True
    return view


def principal() -> Principal:
    return g.principal


def idempotency_key(body: object) -> IdempotencyKey:
    """Bind the request's key to its principal and to a hash of method, path and body."""
    return IdempotencyKey(
        principal=principal().name,
        key=request.headers["Idempotency-Key"],
        request_hash=request_hash(request.method, request.path, body),
    )


def init_app(app: Flask) -> None:
    app.before_request(_guard)


def _handler(endpoint: str) -> Callable | None:
    view = current_app.view_functions.get(endpoint)
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return getattr(view_class, request.method.lower(), None) or (
            getattr(view_class, "get", None) if request.method == "HEAD" else None
        )
    return view


def _token_in_url() -> bool:
    """Tell whether the query string carries a credential (a token-shaped value or name)."""
    if CREDENTIAL_PARAMETERS & set(request.args):
        return True
    return any(TOKEN_SHAPE.fullmatch(value) for value in request.args.values())


def _guard():
    if not is_api_request() or request.endpoint is None:
        return None  # not the API, or a routing error the error switch renders
    handler = _handler(request.endpoint)
    scope = getattr(handler, "_baton_scope", None)
    if request.endpoint.startswith("api-docs.") or scope == PUBLIC:
        return None
    if _token_in_url():
        return error_response(
            401,
            "unauthenticated",
            N_("Send the token in the Authorization header, never in the URL."),
        )
    found = _authenticate()
    if not isinstance(found, Principal):
        return found
    g.principal = found
    if scope is None:
        return error_response(403, "forbidden", N_("This operation is not open to anyone."))
    if scope != ANY_SCOPE and scope not in found.scopes:
        return error_response(
            403,
            "scope_missing",
            Phrase("This operation needs the '{scope}' scope.", scope=scope),
            {"required": scope},
        )
    found_check = getattr(handler, "_baton_found", None)
    if found_check is not None:
        found_check(**(request.view_args or {}))  # a NotFound here renders as the 404
    if getattr(handler, "_baton_idempotent", False):
        key = request.headers.get("Idempotency-Key")
        if key is None or not IDEMPOTENCY_KEY.match(key):
            return error_response(
                400,
                "idempotency_key_missing",
                N_(
                    "Send an Idempotency-Key header of 1 to 255 printable "
                    "ASCII characters; retry with the same key."
                ),
            )
    return None


def _authenticate() -> Principal | object:
    header = request.headers.get("Authorization")
    if header is not None:
        scheme, _, raw = header.partition(" ")
        token = (
            authenticate_token(raw.strip(), now=utcnow()) if scheme.lower() == "bearer" else None
        )
        if token is None:
            return error_response(
                401,
                "unauthenticated",
                N_("The token is missing, malformed, expired or revoked."),
                headers={"WWW-Authenticate": "Bearer"},
            )
        return Principal(token.user or user_by_id(token.user_id), token.scopes, token.token_id)
    if current_user.is_authenticated:
        if request.method not in SAFE_METHODS:
            return error_response(
                401,
                "token_required",
                N_("A browser session may only read the API; send a bearer token to write."),
                headers={"WWW-Authenticate": "Bearer"},
            )
        return Principal(current_user._get_current_object(), allowed_scopes(current_user), None)
    return error_response(
        401,
        "unauthenticated",
        N_("Send a bearer token in the Authorization header."),
        headers={"WWW-Authenticate": "Bearer"},
    )
