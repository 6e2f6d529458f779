"""One pass through the API on PostgreSQL: award, replay, feed, leaderboard, reversal, verify."""

from __future__ import annotations

import pytest

from tests.api.conftest import Caller, award_body, token_for
from tests.factories import make_user

pytestmark = pytest.mark.postgres


def test_the_award_path_works_end_to_end_on_postgresql(postgres_app):
    client = postgres_app.test_client()
    admin = make_user("admin@example.com", role="admin")
    ada, bob = make_user("ada@example.com"), make_user("bob@example.com")
    as_ada = Caller(client, ada, token_for(ada, ["read", "award"]))
    as_admin = Caller(client, admin, token_for(admin, ["read", "admin"]))

    first = as_ada.post("/api/v1/awards", award_body(bob.id, points=8), key="pg-1")
    replay = as_ada.post("/api/v1/awards", award_body(bob.id, points=8), key="pg-1")
    assert first.status_code == 201
    assert (replay.data, replay.headers["Idempotent-Replayed"]) == (first.data, "true")
    award_id = first.json["id"]
    assert [a["id"] for a in as_ada.get(f"/api/v1/awards?recipient={bob.id}").json["items"]] == [
        award_id
    ]
    assert as_ada.get("/api/v1/leaderboard").json["items"][0]["points"] == 8
    reversal = as_admin.post(f"/api/v1/awards/{award_id}/reversal", {"reason": "Test."})
    assert reversal.status_code == 201
    assert as_admin.get("/api/v1/ledger/verify").json["ok"] is True
