"""API fixtures: people in an org chart, tokens for them, and a JSON client."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest

from ledger.tokens import create_token
from tests.factories import ADMIN_ACTOR, NOW, make_user

ALL_SCOPES = ["read", "award", "manage", "admin"]
_keys = itertools.count(1)


@dataclass
class Caller:
    """A person with a bearer token, and helpers to call the API as them."""

    client: object
    user: object
    token: str

    def headers(self, key: str | None = None, **extra) -> dict:
        headers = {"Authorization": f"Bearer {self.token}", **extra}
        if key is not None:
            headers["Idempotency-Key"] = key
        return headers

    def get(self, path, **kwargs):
        headers = {**self.headers(), **kwargs.pop("headers", {})}
        return self.client.get(path, headers=headers, **kwargs)

    def post(self, path, json=None, key: str | None = "auto", **kwargs):
        if key == "auto":
            key = f"key-{next(_keys)}"
        headers = {**self.headers(key), **kwargs.pop("headers", {})}
        return self.client.post(path, json=json, headers=headers, **kwargs)


def token_for(user, scopes, *, creator_is_admin=True) -> str:
    raw, _ = create_token(
        user.id,
        name="test",
        scopes=scopes,
        now=NOW,
        actor=ADMIN_ACTOR,
        creator_is_admin=creator_is_admin,
    )
    return raw


@dataclass
class Org:
    """An admin, a manager with two reports, and someone in another department."""

    admin: object
    boss: object
    ada: object
    bob: object
    cy: object


@pytest.fixture
def org(app):
    admin = make_user("admin@example.com", name="Admin", role="admin", department="Ops")
    boss = make_user("boss@example.com", name="Boss", role="manager")
    ada = make_user("ada@example.com", name="Ada", manager=boss.email)
    bob = make_user("bob@example.com", name="Bob", manager=boss.email)
    cy = make_user("cy@example.com", name="Cy", department="Sales")
    return Org(admin, boss, ada, bob, cy)


@pytest.fixture
def as_user(client):
    """Return a factory: a Caller for a user with the given scopes."""

    def build(user, scopes=("read", "award")):
        return Caller(client, user, token_for(user, list(scopes)))

    return build


def award_body(*recipients, points=5, message="Thanks for the careful review.", kind="need"):
    return {
        "recipients": list(recipients),
        "points": points,
        "message": message,
        "service_kind": kind,
    }
