"""API tokens: stored only as a hash, header only, revocable, expiring, scopes ∩ role."""

import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import String, Text, inspect, select, text

from ledger.clock import utcnow
from ledger.db import db
from ledger.errors import ValidationFailed
from ledger.models import ApiToken
from ledger.services.directory import update_user
from ledger.tokens import create_token, revoke_token
from tests.factories import ADMIN_ACTOR, make_user
from tests.web.test_sessions import FreshClient, csrf_token, login

TOKEN = re.compile(r"^baton_[A-Za-z0-9_-]{43}$")
AWARD = {
    "recipients": [],
    "points": 5,
    "message": "Thanks for the quick review",
    "service_kind": "need",
}


@pytest.fixture
def client(app):
    app.test_client_class = FreshClient
    return app.test_client()


@pytest.fixture
def people(app):
    admin = make_user("admin@example.com", name="Admin", role="admin")
    ann = make_user("ann@example.com", name="Ann")
    bob = make_user("bob@example.com", name="Bob")
    return admin, ann, bob


def token_for(user, scopes, **kwargs):
    kwargs.setdefault("now", utcnow())
    raw, _ = create_token(user.id, name="test", scopes=scopes, actor=ADMIN_ACTOR, **kwargs)
    return raw


def bearer(raw):
    return {"Authorization": f"Bearer {raw}"}


def text_cells_containing(needle: str) -> list[str]:
    """Search every text column of every table for a value."""
    found = []
    inspector = inspect(db.engine)
    for table in inspector.get_table_names():
        for column in inspector.get_columns(table):
            if not isinstance(column["type"], String | Text):
                continue
            name = column["name"]
            rows = db.session.execute(
                text(f'SELECT "{name}" FROM "{table}" WHERE "{name}" LIKE :pattern'),
                {"pattern": f"%{needle}%"},
            ).all()
            found += [f"{table}.{name}" for _ in rows]
    return found


def test_no_table_holds_the_raw_token(app, people):
    _, ann, _ = people
    raw = token_for(ann, ["read"])
    assert TOKEN.match(raw)
    assert text_cells_containing(raw) == []
    assert text_cells_containing(raw[len("baton_") :]) == []
    assert db.session.scalars(select(ApiToken.token_hash)).one() != raw


def test_the_scan_finds_a_token_that_was_stored(app, people):
    # Negative control: a raw token written to any text column is found.
    _, ann, _ = people
    raw = token_for(ann, ["read"])
    db.session.execute(text("UPDATE api_tokens SET name = :raw"), {"raw": raw})
    db.session.commit()
    assert text_cells_containing(raw) == ["api_tokens.name"]


def test_the_raw_token_never_reaches_the_logs(app, client, people, caplog):
    caplog.set_level(logging.DEBUG)
    _admin, _ann, _ = people
    login(client, "admin@example.com")
    page = client.post(
        "/tokens/",
        data={"name": "script", "scopes": ["read"], "csrf_token": csrf_token(client, "/tokens/")},
    )
    assert page.status_code == 201
    raw = re.search(r'value="(baton_[^"]+)"', page.get_data(as_text=True)).group(1)
    assert client.get("/api/v1/me", headers=bearer(raw)).status_code == 200
    assert client.get("/api/v1/me", query_string={"access_token": raw}).status_code == 401
    assert raw not in caplog.text
    assert raw not in client.get("/tokens/").get_data(as_text=True)  # shown once only


def test_a_token_in_the_query_string_is_refused(client, people):
    _, ann, _ = people
    raw = token_for(ann, ["read"])
    for query in ({"access_token": raw}, {"token": raw}, {"q": raw}):
        response = client.get("/api/v1/users", query_string=query, headers=bearer(raw))
        assert response.status_code == 401
        assert response.json["error"]["code"] == "unauthenticated"
    assert client.get("/api/v1/users", headers=bearer(raw)).status_code == 200


def test_a_revoked_token_is_refused(client, people, now):
    _, ann, _ = people
    raw = token_for(ann, ["read"])
    assert client.get("/api/v1/me", headers=bearer(raw)).status_code == 200
    token_id = db.session.scalars(select(ApiToken.id)).one()
    revoke_token(token_id, now=utcnow(), actor=ADMIN_ACTOR, owner_id=ann.id)
    assert client.get("/api/v1/me", headers=bearer(raw)).status_code == 401


def test_an_expired_token_is_refused(client, people):
    _, ann, _ = people
    expired = token_for(ann, ["read"], expires_days=1, now=utcnow() - timedelta(days=2))
    fresh = token_for(ann, ["read"], expires_days=1)
    assert client.get("/api/v1/me", headers=bearer(expired)).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(fresh)).status_code == 200  # control


def test_a_read_only_token_cannot_award(client, people):
    _, ann, bob = people
    body = AWARD | {"recipients": [bob.id]}
    headers = {"Idempotency-Key": "k1"}
    read_only = token_for(ann, ["read"])
    refused = client.post("/api/v1/awards", json=body, headers=bearer(read_only) | headers)
    assert refused.status_code == 403 and refused.json["error"]["code"] == "scope_missing"
    # Negative control: the same request with the award scope goes through.
    awarding = token_for(ann, ["read", "award"])
    assert (
        client.post("/api/v1/awards", json=body, headers=bearer(awarding) | headers).status_code
        == 201
    )


def test_a_scope_beyond_the_role_is_refused(app, people, now):
    _, ann, _ = people
    with pytest.raises(ValidationFailed, match="does not allow the scopes admin"):
        token_for(ann, ["read", "admin"])
    with pytest.raises(ValidationFailed, match="on-behalf"):
        token_for(ann, ["award", "on-behalf"])


def test_the_web_form_refuses_a_scope_beyond_the_role(client, people):
    login(client, "ann@example.com")
    form = {"name": "x", "scopes": ["admin"], "csrf_token": csrf_token(client, "/tokens/")}
    response = client.post("/tokens/", data=form)
    assert response.status_code == 422
    assert b"does not allow the scopes admin" in response.data
    db.session.rollback()
    assert db.session.scalars(select(ApiToken)).all() == []


def test_effective_rights_follow_the_current_role(client, people, now):
    admin, _ann, _ = people
    make_user("other-admin@example.com", role="admin")
    raw = token_for(admin, ["read", "admin"])
    assert client.post("/api/v1/users", json={"email": "x@example.com", "name": "X"},
                       headers=bearer(raw)).status_code == 201  # fmt: skip
    update_user(admin.id, {"role": "employee"}, now=now, actor=ADMIN_ACTOR)
    refused = client.post(
        "/api/v1/users", json={"email": "y@example.com", "name": "Y"}, headers=bearer(raw)
    )
    assert refused.status_code == 403


def test_people_revoke_their_own_tokens_but_not_others(client, people):
    _, ann, bob = people
    token_for(bob, ["read"])
    raw = token_for(ann, ["read"])
    ann_token, bob_token = (
        db.session.scalars(select(ApiToken.id).where(ApiToken.user_id == person.id)).one()
        for person in (ann, bob)
    )
    login(client, "ann@example.com")
    listing = client.get("/tokens/").get_data(as_text=True)
    assert raw[:10] in listing
    token = csrf_token(client, "/tokens/")
    assert client.post(f"/tokens/{bob_token}/revoke", data={"csrf_token": token}).status_code == 404
    assert client.post(f"/tokens/{ann_token}/revoke", data={"csrf_token": token}).status_code == 302
    assert client.get("/api/v1/me", headers=bearer(raw)).status_code == 401


def test_admins_make_on_behalf_tokens_for_service_accounts(client, people):
    service = make_user("hr-bot@example.com", name="HR bot", kind="service")
    login(client, "admin@example.com")
    form = {
        "service-owner": service.id,
        "service-name": "hr sync",
        "service-scopes": ["award", "on-behalf"],
        "service-csrf_token": csrf_token(client, "/tokens/"),
    }
    response = client.post("/tokens/service", data=form)
    assert response.status_code == 201, response.get_data(as_text=True)
    db.session.rollback()  # end the test's read snapshot to see the request's commit
    owner = db.session.scalars(select(ApiToken.user_id)).one()
    assert owner == service.id
    assert b"hr sync" in client.get("/tokens/").data


def test_employees_cannot_make_service_tokens(client, people):
    login(client, "ann@example.com")
    response = client.post("/tokens/service", data={"csrf_token": csrf_token(client, "/tokens/")})
    assert response.status_code == 403


def test_the_cli_prints_only_the_token(app, people):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "ledger",
            "create-token",
            "ann@example.com",
            "--scope",
            "read",
            "--scope",
            "award",
            "--name",
            "bot",
            "--expires-days",
            "30",
        ]
    )
    assert result.exit_code == 0, result.output
    assert TOKEN.match(result.output.strip()) and result.output.count("\n") == 1
    beyond = runner.invoke(args=["ledger", "create-token", "ann@example.com", "--scope", "admin"])
    assert beyond.exit_code != 0 and "does not allow" in beyond.output


def test_the_cli_makes_a_service_account_an_on_behalf_token(app):
    runner = app.test_cli_runner()
    made = runner.invoke(
        args=["ledger", "create-user", "hr@example.com", "--name", "HR sync", "--kind", "service"]
    )
    assert made.exit_code == 0, made.output
    result = runner.invoke(
        args=[
            "ledger",
            "create-token",
            "hr@example.com",
            "--scope",
            "award",
            "--scope",
            "on-behalf",
        ]
    )
    assert result.exit_code == 0 and TOKEN.match(result.output.strip()), result.output
    person = runner.invoke(args=["ledger", "create-user", "p@example.com", "--name", "P"])
    assert person.exit_code == 0
    refused = runner.invoke(
        args=["ledger", "create-token", "p@example.com", "--scope", "award", "--scope", "on-behalf"]
    )
    assert refused.exit_code != 0


def test_a_search_for_the_word_baton_is_not_taken_for_a_token(app, client, now):
    # Negative control for the query-string refusal: only token-shaped values are refused.
    from ledger.tokens import create_token
    from tests.factories import ADMIN_ACTOR, make_user

    reader = make_user("reader@example.com")
    raw, _ = create_token(reader.id, name="r", scopes=["read"], now=now, actor=ADMIN_ACTOR)
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/users?q=baton_", headers=headers).status_code == 200
    assert client.get(f"/api/v1/users?q={raw}", headers=headers).status_code == 401
