"""The directory API: /me, users, departments and the HR import."""

import pytest

from ledger.clock import utcnow
from ledger.db import db
from ledger.queries.people import user_by_email
from ledger.tokens import create_token
from tests.factories import ADMIN_ACTOR, make_user
from tests.web.test_sessions import FreshClient, csrf_token, login

CSV = "email,name,department,manager_email,role,employee_number,active\n"


@pytest.fixture
def client(app):
    app.test_client_class = FreshClient
    return app.test_client()


@pytest.fixture
def org(app):
    admin = make_user("admin@example.com", name="Ada Admin", role="admin")
    boss = make_user("boss@example.com", name="Boss", role="manager", department="Sales")
    ann = make_user("ann@example.com", name="Ann", manager="boss@example.com")
    return admin, boss, ann


def headers_for(user, *scopes):
    raw, _ = create_token(user.id, name="t", scopes=list(scopes), now=utcnow(), actor=ADMIN_ACTOR)
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def admin_headers(org):
    return headers_for(org[0], "read", "admin")


@pytest.fixture
def ann_headers(org):
    return headers_for(org[2], "read", "award")


def test_me_names_the_caller_and_their_balances(client, org, ann_headers):
    body = client.get("/api/v1/me", headers=ann_headers).json
    assert body["user"]["email"] == "ann@example.com"
    assert body["user"]["manager"]["email"] == "boss@example.com"
    assert body["balances"]["allowance_remaining"] == 100


def test_a_browser_session_may_read_but_not_write(client, org):
    login(client, "ann@example.com")
    assert client.get("/api/v1/me").status_code == 200
    refused = client.post("/api/v1/users", json={"email": "x@example.com", "name": "X"})
    assert refused.status_code == 401
    assert refused.json["error"]["code"] == "token_required"


def test_everyone_with_read_may_list_and_filter_the_directory(client, org, ann_headers):
    _, boss, _ = org
    everyone = client.get("/api/v1/users", headers=ann_headers).json
    assert [item["name"] for item in everyone["items"]] == ["Ada Admin", "Ann", "Boss"]
    reports = client.get(f"/api/v1/users?manager_id={boss.id}", headers=ann_headers).json
    assert [item["email"] for item in reports["items"]] == ["ann@example.com"]
    page = client.get("/api/v1/users?limit=2", headers=ann_headers).json
    rest = client.get(f"/api/v1/users?cursor={page['next_cursor']}", headers=ann_headers).json
    assert [item["name"] for item in rest["items"]] == ["Boss"] and rest["next_cursor"] is None
    for query in ("limit=0", "limit=501", "active=maybe", "cursor=zzz", "manager_id=0"):
        response = client.get(f"/api/v1/users?{query}", headers=ann_headers)
        assert response.status_code == 422, query


def test_one_person_and_a_missing_one(client, org, ann_headers):
    _, boss, _ = org
    assert client.get(f"/api/v1/users/{boss.id}", headers=ann_headers).json["role"] == "manager"
    missing = client.get("/api/v1/users/999999", headers=ann_headers)
    assert missing.status_code == 404 and missing.json["error"]["code"] == "not_found"


def test_departments_have_head_counts(client, org, ann_headers):
    items = client.get("/api/v1/departments", headers=ann_headers).json["items"]
    assert {item["name"]: item["head_count"] for item in items} == {"Engineering": 2, "Sales": 1}


def test_admins_create_people_and_employees_may_not(client, org, admin_headers, ann_headers):
    _, boss, _ = org
    body = {"email": "New@Example.com", "name": "New", "manager_id": boss.id, "role": "employee"}
    assert client.post("/api/v1/users", json=body, headers=ann_headers).status_code == 403
    created = client.post("/api/v1/users", json=body, headers=admin_headers)
    assert created.status_code == 201
    assert created.json["email"] == "new@example.com" and created.json["manager"]["id"] == boss.id
    assert created.headers["Location"].endswith(f"/api/v1/users/{created.json['id']}")
    again = client.post("/api/v1/users", json=body, headers=admin_headers)
    assert again.status_code == 422 and "already" in again.json["error"]["message"]


@pytest.mark.parametrize(
    "body",
    [
        {"email": "a@example.com", "name": "A", "balance": 5},
        {"email": "a@example.com", "name": "A", "manager_id": "1"},
        {"email": "a@example.com", "name": "A", "manager_id": 2**40},
        {"email": "a@example.com", "name": ""},
        {"email": "a@example.com", "name": "A", "role": "owner"},
    ],
)
def test_bad_create_bodies_are_refused_without_writing(client, org, admin_headers, body):
    response = client.post("/api/v1/users", json=body, headers=admin_headers)
    assert response.status_code == 422
    db.session.rollback()
    assert user_by_email("a@example.com") is None


def test_admins_update_people(client, org, admin_headers):
    _, boss, ann = org
    response = client.patch(
        f"/api/v1/users/{ann.id}",
        json={"name": "Ann Lee", "role": "manager", "department": "Sales"},
        headers=admin_headers,
    )
    assert response.status_code == 200
    assert response.json["name"] == "Ann Lee" and response.json["department"]["name"] == "Sales"
    cycle = client.patch(
        f"/api/v1/users/{boss.id}", json={"manager_id": ann.id}, headers=admin_headers
    )
    assert cycle.status_code == 422 and "cycle" in cycle.json["error"]["message"]
    missing = client.patch("/api/v1/users/99999", json={"name": "X"}, headers=admin_headers)
    assert missing.status_code == 404


def test_an_admin_cannot_demote_or_deactivate_themselves(client, org, admin_headers):
    admin, _, _ = org
    for change in ({"role": "employee"}, {"active": False}):
        response = client.patch(f"/api/v1/users/{admin.id}", json=change, headers=admin_headers)
        assert response.status_code == 422
        assert response.json["error"]["code"] == "cannot_change_self"


def test_deactivation_through_the_api_ends_the_persons_tokens(
    client, org, admin_headers, ann_headers
):
    _, _, ann = org
    assert client.get("/api/v1/me", headers=ann_headers).status_code == 200
    response = client.patch(
        f"/api/v1/users/{ann.id}", json={"active": False}, headers=admin_headers
    )
    assert response.status_code == 200 and response.json["active"] is False
    assert client.get("/api/v1/me", headers=ann_headers).status_code == 401


def test_import_json_and_csv(client, org, admin_headers):
    rows = {
        "rows": [{"email": "zed@example.com", "name": "Zed", "manager_email": "boss@example.com"}]
    }
    dry = client.post("/api/v1/users/import?dry_run=true", json=rows, headers=admin_headers)
    assert dry.status_code == 200 and dry.json["dry_run"] and dry.json["counts"]["created"] == 1
    done = client.post("/api/v1/users/import", json=rows, headers=admin_headers)
    assert done.json["rows"] == [{"row": 1, "email": "zed@example.com", "status": "created"}]
    csv = CSV + "zed@example.com,Zed,Support,boss@example.com,,,\n"
    update = client.post(
        "/api/v1/users/import", data=csv, content_type="text/csv", headers=admin_headers
    )
    assert update.status_code == 200
    assert update.json["rows"][0] == {
        "row": 2,
        "email": "zed@example.com",
        "status": "updated",
        "changes": ["department"],
    }


def test_a_bad_import_names_the_row_and_writes_nothing(client, org, admin_headers):
    csv = CSV + "new@example.com,New,,,,,\nbad@example.com,Bad,,ghost@example.com,,,\n"
    response = client.post(
        "/api/v1/users/import", data=csv, content_type="text/csv", headers=admin_headers
    )
    assert response.status_code == 422
    report = response.json["error"]["details"]["report"]
    assert (
        report["rows"][1]["status"] == "error"
        and "ghost@example.com" in report["rows"][1]["reason"]
    )
    db.session.rollback()
    assert user_by_email("new@example.com") is None
    broken = client.post(
        "/api/v1/users/import",
        data="{not json",
        content_type="application/json",
        headers=admin_headers,
    )
    assert broken.status_code == 400
    for body in ({"rows": []}, {"rows": [{"email": "a@example.com", "name": "A", "pay": 1}]}):
        refused = client.post("/api/v1/users/import", json=body, headers=admin_headers)
        assert refused.status_code == 422 and refused.json["error"]["code"] == "validation_error"


def test_only_admins_import(client, org, ann_headers):
    response = client.post("/api/v1/users/import", json={"rows": []}, headers=ann_headers)
    assert response.status_code == 403


def test_import_through_the_cli(app, tmp_path, org):
    path = tmp_path / "people.csv"
    path.write_text(CSV + "cli@example.com,Cli,,boss@example.com,,,\n")
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["ledger", "import-users", str(path), "--dry-run"])
    assert dry.exit_code == 0 and "Would import 1 rows: 1 created" in dry.output
    assert user_by_email("cli@example.com") is None
    done = runner.invoke(args=["ledger", "import-users", str(path)])
    assert done.exit_code == 0 and "Imported 1 rows" in done.output
    path.write_text(CSV + "x@example.com,X,,ghost@example.com,,,\n")
    bad = runner.invoke(args=["ledger", "import-users", str(path)])
    assert bad.exit_code != 0 and "row 2: Unknown manager" in bad.output


def test_deactivate_user_through_the_cli(app, org):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["ledger", "deactivate-user", "ann@example.com"])
    assert result.exit_code == 0 and "Deactivated ann@example.com" in result.output
    db.session.rollback()
    assert user_by_email("ann@example.com").active is False
    last = runner.invoke(args=["ledger", "deactivate-user", "admin@example.com"])
    assert last.exit_code != 0 and "last active admin" in last.output


def test_the_web_login_still_works_alongside_the_api(client, org):
    assert "csrf_token" in client.get("/login").get_data(as_text=True)
    assert csrf_token(client)


def test_me_answers_any_valid_token_whatever_its_scopes(app, client, now):
    from ledger.tokens import create_token
    from tests.factories import ADMIN_ACTOR, make_user

    person = make_user("scoped@example.com")
    raw, _ = create_token(
        person.id, name="award only", scopes=["award"], now=now, actor=ADMIN_ACTOR
    )
    answer = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert answer.status_code == 200
    assert answer.json["user"]["email"] == "scoped@example.com"
    assert client.get("/api/v1/me").status_code == 401
