"""PATCH /users/{id}: the body is required, as the OpenAPI document says."""

from __future__ import annotations

import pytest

from ledger.db import db
from ledger.models import AuditEvent


@pytest.fixture
def admin(org, as_user):
    return as_user(org.admin, ("read", "admin"))


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"data": b""},
        {"data": b"", "content_type": "application/json"},
        {"json": {}},
    ],
    ids=["no body", "empty text", "empty json", "empty object"],
)
def test_a_patch_without_a_change_is_refused(client, org, admin, body):
    before = db.session.query(AuditEvent).count()
    answer = client.patch(f"/api/v1/users/{org.ada.id}", headers=admin.headers(), **body)
    assert answer.status_code == 422, answer.json
    assert answer.json["error"]["code"] == "validation_error"
    assert db.session.query(AuditEvent).count() == before


def test_a_patch_with_a_change_still_applies_it(client, org, admin):
    answer = client.patch(
        f"/api/v1/users/{org.ada.id}", headers=admin.headers(), json={"name": "Ada L."}
    )
    assert answer.status_code == 200, answer.json
    assert answer.json["name"] == "Ada L."


def test_the_document_says_the_body_is_required_and_not_empty(client):
    spec = client.get("/api/v1/openapi.json").json
    body = spec["paths"]["/api/v1/users/{user_id}"]["patch"]["requestBody"]
    assert body["required"] is True
    assert spec["components"]["schemas"]["UserUpdate"]["minProperties"] == 1
