"""Who acts in a web request, and the one-time idempotency key a nonce form carries."""

from __future__ import annotations

from flask import request
from flask_login import current_user

from ledger.operations import Actor, IdempotencyKey, request_hash
from ops.observe import current_request_id


def web_actor() -> Actor:
    """Return the signed-in person as the actor, with where the request came from."""
    return request_actor(current_user.id)


def request_actor(user_id: int | None) -> Actor:
    """Return an actor (anyone, before sign-in) with this request's id and client address."""
    return Actor(user_id, request_id=current_request_id(), client_address=request.remote_addr)


def form_key(form, fields: object) -> IdempotencyKey:
    """Bind the form's one-time nonce to this person and to the values it sends."""
    return IdempotencyKey(
        principal=f"user:{current_user.id}",
        key="web:" + form.nonce.data,
        request_hash=request_hash(request.method, request.path, fields),
    )
