"""/healthz and /readyz answer a load balancer without a session, and readyz tells the truth."""

from __future__ import annotations

from flask_migrate import stamp

from ledger.health import READINESS_CHECKS
from tests.factories import make_app


def test_healthz_answers_without_a_session(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_is_ready_on_a_migrated_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ready",
        "checks": {name: "ok" for name in READINESS_CHECKS},
    }


def test_readyz_refuses_traffic_when_the_schema_is_behind(app, client):
    stamp(revision="0001")
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["schema"].startswith("schema at 0001, expected")


def test_readyz_refuses_traffic_when_the_database_does_not_answer(tmp_path):
    app = make_app(f"sqlite:///{tmp_path}/missing/folder/baton.sqlite3")
    with app.app_context():
        response = app.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    # The later checks are skipped, and no driver error text reaches the caller.
    assert body["checks"] == {"database": "database error"}


def test_readyz_runs_a_check_added_with_one_function(client, monkeypatch):
    monkeypatch.setitem(READINESS_CHECKS, "backlog", lambda: "oldest delivery waited 900 s")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["backlog"] == "oldest delivery waited 900 s"


def test_every_response_carries_a_request_id_and_keeps_a_well_formed_one(client):
    assert (
        client.get("/healthz", headers={"X-Request-Id": "lb-42.a"}).headers["X-Request-Id"]
        == "lb-42.a"
    )
    forged = client.get("/healthz", headers={"X-Request-Id": "a\tb" + "x" * 80})
    assert forged.headers["X-Request-Id"] != "a\tb" + "x" * 80
    assert len(forged.headers["X-Request-Id"]) == 32
