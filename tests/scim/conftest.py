"""SCIM fixtures: a provisioning service account's token and a client speaking SCIM's JSON."""

from __future__ import annotations

import json as jsonlib

import pytest

from tests.api.conftest import token_for
from tests.factories import make_user

MEDIA = "application/scim+json"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


class Scim:
    """Call /scim/v2 as an identity provider does: bearer token, application/scim+json."""

    def __init__(self, client, token: str | None) -> None:
        self.client = client
        self.token = token

    def call(self, method: str, path: str, body=None, **headers):
        if self.token is not None:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        data = jsonlib.dumps(body) if body is not None else None
        response = self.client.open(f"/scim/v2{path}", method=method, data=data,
                                    content_type=MEDIA, headers=headers)  # fmt: skip
        from ledger.db import db

        db.session.rollback()  # see what the request wrote, past the test's snapshot
        return response

    def get(self, path, **headers):
        return self.call("GET", path, **headers)

    def post(self, path, body, **headers):
        return self.call("POST", path, body, **headers)

    def put(self, path, body, **headers):
        return self.call("PUT", path, body, **headers)

    def patch(self, path, operations, **headers):
        return self.call("PATCH", path, {"schemas": [PATCH], "Operations": operations}, **headers)

    def delete(self, path, **headers):
        return self.call("DELETE", path, **headers)


@pytest.fixture
def provisioner(engine_app):
    """The identity provider's service account, holding an admin-scoped token."""
    account = make_user("idp@example.com", name="Identity Provider", role="admin",
                        kind="service", department=None, password=None)  # fmt: skip
    return Scim(engine_app.test_client(), token_for(account, ["admin"]))


def okta_user(email: str, **extra) -> dict:
    """A user as Okta creates one."""
    body = {
        "schemas": [USER, ENTERPRISE],
        "userName": email,
        "name": {"givenName": "Ann", "familyName": "Example"},
        "emails": [{"primary": True, "value": email, "type": "work"}],
        "displayName": "Ann Example",
        "externalId": f"okta-{email}",
        "active": True,
        "password": "ignored-by-baton",
    }
    body.update(extra)
    return body
