"""Who may provision: a bearer token whose effective scopes include admin (deny by default)."""

from __future__ import annotations

from flask import g, request

from api.scim.errors import scim_error
from ledger.clock import utcnow
from ledger.operations import Actor
from ledger.tokens import authenticate_token
from ops.observe import current_request_id

REQUIRED_SCOPE = "admin"


def authenticate():
    """Let through only a bearer token with the admin scope; keep its actor for the services."""
    scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
    token = authenticate_token(raw.strip(), now=utcnow()) if scheme.lower() == "bearer" else None
    if token is None:
        return scim_error(
            401,
            "Send a Baton API token with the admin scope as a bearer token.",
            headers={"WWW-Authenticate": 'Bearer realm="scim"'},
        )
    if REQUIRED_SCOPE not in token.scopes:
        return scim_error(403, "This token lacks the admin scope.")
    g.scim_actor = Actor(
        token.user_id,
        request_id=current_request_id(),
        token_id=token.token_id,
        client_address=request.remote_addr,
    )
    return None
