"""The audit trail from the matrix's principals: every sign-in kind and token change is there.

Each event says who (person, token id, on-behalf-of), what (action, object, outcome), when
and from where (request id, client address); never a password or a raw token.
"""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select, text

from ledger.db import db
from ledger.models import ApiToken, AuditEvent
from tests.authz.world import MESSAGE, PASSWORD, build_world, email_of, login
from tests.factories import make_app
from tests.web.test_sessions import FreshClient

PEOPLE = ["E1", "E2", "M1", "M2", "A"]


@pytest.fixture(scope="module")
def world(sqlite_template):
    url = sqlite_template.new_database()
    app = make_app(url)
    with app.app_context():
        yield build_world(app, FreshClient)
    sqlite_template.drop(url)


def events(action: str, **where) -> list[AuditEvent]:
    db.session.rollback()  # a fresh read: SQLite shows an open transaction's snapshot
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    for name, value in where.items():
        query = query.where(getattr(AuditEvent, name) == value)
    return list(db.session.scalars(query))


def csrf_of(client, path: str = "/tokens/") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def post_login(app, email: str, password: str):
    client = app.test_client()
    token = csrf_of(client, "/login")
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def last_id() -> int:
    db.session.rollback()
    return db.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) or 0


@pytest.mark.parametrize("who", PEOPLE)
def test_each_principal_s_password_sign_in_is_recorded(world, who):
    [event] = events("sign_in", actor_id=world.ids[who])[-1:]
    assert (event.outcome, event.object_type, event.object_id) == (
        "ok",
        "user",
        str(world.ids[who]),
    )
    assert event.client_address == "127.0.0.1" and re.fullmatch(r"[0-9a-f]{32}", event.request_id)
    assert json.loads(event.details) == {"method": "password", "remember": False}
    assert event.created_at.utcoffset().total_seconds() == 0


@pytest.mark.parametrize(
    ("email", "password", "outcome"),
    [
        ("nobody@example.com", PASSWORD, "unknown_email"),
        ("e1@example.com", "not the password", "wrong_password"),
        ("bot@example.com", PASSWORD, "no_password"),
    ],
)
def test_a_failed_sign_in_records_the_email_but_never_the_password(world, email, password, outcome):
    before = last_id()
    assert post_login(world.app, email, password).status_code == 401
    [event] = [e for e in events("sign_in_failed") if e.id > before]
    assert event.outcome == outcome and event.actor_id is None
    assert json.loads(event.details) == {"method": "password", "email": email}
    assert password not in event.details


def test_an_inactive_person_s_sign_in_is_refused_and_recorded(world):
    admin = world.sessions["A"]
    token = csrf_of(admin, f"/admin/people/{world.ids['X']}")
    before = last_id()
    response = admin.post(
        f"/admin/people/{world.ids['X']}/active", data={"csrf_token": token, "confirm": "yes"}
    )
    assert response.status_code in (200, 302)
    [deactivated] = [e for e in events("update_user") + events("deactivate_user") if e.id > before]
    assert deactivated.actor_id == world.ids["A"]
    assert deactivated.object_id == str(world.ids["X"]) and deactivated.client_address


def test_sign_out_is_recorded_with_the_person(world):
    client = login(world.app, email_of("E2"))
    before = last_id()
    client.post("/logout", data={"csrf_token": csrf_of(client, "/give")})
    [event] = [e for e in events("sign_out") if e.id > before]
    assert (event.actor_id, event.object_id) == (world.ids["E2"], str(world.ids["E2"]))
    assert event.client_address == "127.0.0.1"


def test_the_world_s_tokens_each_left_a_creation_and_the_revoked_one_a_revocation(world):
    created = {int(e.object_id): json.loads(e.details) for e in events("create_token")}
    for token in db.session.scalars(select(ApiToken)):
        assert created[token.id]["owner_id"] == token.user_id
        assert created[token.id]["scopes"] == sorted(token.scope_set)
    revoked = {int(e.object_id) for e in events("revoke_token")}
    assert revoked == {
        token.id for token in db.session.scalars(select(ApiToken)) if token.revoked_at
    }
    db.session.rollback()


def test_web_token_creation_and_revocation_name_the_person_and_the_address(world):
    client = world.sessions["E1"]
    before = last_id()
    response = client.post(
        "/tokens/",
        data={"name": "Audit me", "scopes": ["read"], "csrf_token": csrf_of(client)},
    )
    assert response.status_code == 201, response.status_code
    raw = re.search(r"baton_[A-Za-z0-9_-]{22,}", response.get_data(as_text=True)).group(0)
    [made] = [e for e in events("create_token") if e.id > before]
    assert made.actor_id == world.ids["E1"] and made.client_address == "127.0.0.1"
    assert json.loads(made.details)["name"] == "Audit me"
    client.post(f"/tokens/{made.object_id}/revoke", data={"csrf_token": csrf_of(client)})
    [gone] = [e for e in events("revoke_token") if e.id > before]
    assert (gone.actor_id, gone.object_id) == (world.ids["E1"], made.object_id)
    # The raw token is nowhere in the trail (nor the hash's input in any text column).
    dump = "\n".join(map(str, db.session.execute(text("SELECT * FROM audit_events")).all()))
    assert raw not in dump and raw[10:] not in dump
    db.session.rollback()


def test_an_api_change_names_the_token_and_the_changed_fields(world):
    before = last_id()
    answer = world.app.test_client().patch(
        f"/api/v1/users/{world.ids['E1b']}",
        json={"name": "Eli Renamed", "employee_number": "E-1b"},
        headers={"Authorization": f"Bearer {world.tokens['tok:A:admin']}"},
    )
    assert answer.status_code == 200, answer.json
    [event] = [e for e in events("update_user") if e.id > before]
    token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.name == "tok:A:admin"))
    assert (event.actor_id, event.token_id) == (world.ids["A"], token_id)
    assert json.loads(event.details) == {"changed": ["employee_number", "name"]}
    assert event.request_id == answer.headers["X-Request-Id"]


def test_an_award_on_behalf_names_both_and_its_idempotency_key(world):
    before = last_id()
    answer = world.app.test_client().post(
        "/api/v1/awards",
        json={"recipients": [world.ids["E1"]], "points": 1, "message": MESSAGE,
              "service_kind": "need", "on_behalf_of": world.ids["E2"]},
        headers={"Authorization": f"Bearer {world.tokens['tok:S:on-behalf']}",
                 "Idempotency-Key": "audit-on-behalf", "X-Request-Id": "req-audit-1"},
    )  # fmt: skip
    assert answer.status_code == 201, answer.json
    [event] = [e for e in events("award") if e.id > before]
    assert (event.actor_id, event.on_behalf_of_id) == (world.ids["S"], world.ids["E2"])
    assert (event.idempotency_key, event.request_id) == ("audit-on-behalf", "req-audit-1")
    assert json.loads(event.details) == {"points_total": 1, "recipients": 1}


def test_a_password_change_is_recorded(world):
    client = login(world.app, email_of("M2"))
    before = last_id()
    new = "a brand new passphrase"
    response = client.post(
        "/account/password",
        data={"current": PASSWORD, "new": new, "confirm": new,
              "csrf_token": csrf_of(client, "/account/password")},
    )  # fmt: skip
    assert response.status_code == 302
    [event] = [e for e in events("change_password") if e.id > before]
    assert (event.actor_id, event.object_id) == (world.ids["M2"], str(world.ids["M2"]))
    assert event.details is None  # nothing about the password itself


def _import_rows(w):
    row = {"email": "hr-import@example.com", "name": "Imported Person", "department": "Sales",
           "manager_email": "", "role": "employee"}  # fmt: skip
    return {"rows": [row]}


CHANGES = [
    ("POST", "/api/v1/users", lambda w: {"email": "audit-new@example.com", "name": "New"},
     "create_user", {"role": "employee", "kind": "person", "manager_id": None}),
    ("POST", "/api/v1/users/import", _import_rows, "import_users",
     {"counts": {"created": 1, "updated": 0, "unchanged": 0, "error": 0}}),
    ("POST", "/api/v1/webhooks",
     lambda w: {"url": "https://hooks.example.com/path/with-a-credential?k=v",
                "events": ["user.created"]},
     "webhook_create", {"origin": "https://hooks.example.com", "events": ["user.created"]}),
    ("DELETE", "/api/v1/webhooks/{webhook_del}", None, "webhook_delete", None),
    ("POST", "/api/v1/allowances/top-ups",
     lambda w: {"user": w.ids["E1"], "points": 3, "reason": "audit"}, "top_up",
     {"points": 3, "reason": "audit"}),
]  # fmt: skip


@pytest.mark.parametrize(("method", "path", "body", "action", "details"), CHANGES)
def test_each_directory_and_webhook_change_names_the_admin_token(
    world, method, path, body, action, details
):
    before = last_id()
    answer = world.app.test_client().open(
        path.format(**world.ids),
        method=method,
        json=body(world) if body else None,
        headers={"Authorization": f"Bearer {world.tokens['tok:A']}",
                 "Idempotency-Key": f"audit-{action}"},
    )  # fmt: skip
    assert answer.status_code < 300, answer.get_json()
    [event] = [e for e in events(action) if e.id > before]
    assert event.actor_id == world.ids["A"] and event.token_id is not None
    assert event.client_address == "127.0.0.1" and event.outcome == "ok"
    assert (json.loads(event.details) if event.details else None) == details
