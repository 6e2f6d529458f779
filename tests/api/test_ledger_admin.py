"""POST /allowances/top-ups and GET /ledger/verify: admins only."""

from __future__ import annotations

from tests.api.conftest import award_body

TOP_UPS = "/api/v1/allowances/top-ups"


def test_an_admin_tops_up_an_allowance_and_a_replay_repeats_it(org, as_user):
    admin = as_user(org.admin, ["admin"])
    body = {"user": "ada@example.com", "points": 25, "reason": "Mentoring week."}
    first = admin.post(TOP_UPS, body, key="top-1")
    assert first.status_code == 201
    assert first.json["user"]["id"] == org.ada.id
    replay = admin.post(TOP_UPS, body, key="top-1")
    assert (replay.data, replay.headers["Idempotent-Replayed"]) == (first.data, "true")
    balances = as_user(org.ada, ["read"]).get(f"/api/v1/users/{org.ada.id}/balances").json
    assert balances["allowance_total"] == 125


def test_top_up_errors(org, as_user):
    admin = as_user(org.admin, ["admin"])
    assert admin.post(TOP_UPS, {"user": 999, "points": 1, "reason": "x"}).status_code == 404
    assert admin.post(TOP_UPS, {"user": org.ada.id, "points": 0, "reason": "x"}).status_code == 422
    body = {"user": org.ada.id, "points": 1, "reason": "x"}
    assert admin.post(TOP_UPS, body, key=None).status_code == 400
    assert as_user(org.boss, ["read", "manage"]).post(TOP_UPS, body).status_code == 403


def test_verify_reports_clean_books_to_admins_only(org, as_user):
    as_user(org.ada).post("/api/v1/awards", award_body(org.bob.id, points=3))
    report = as_user(org.admin, ["admin"]).get("/api/v1/ledger/verify")
    assert report.status_code == 200
    assert report.json["ok"] is True
    assert report.json["counts"]["awards"] == 1
    assert as_user(org.ada, ["read"]).get("/api/v1/ledger/verify").status_code == 403
