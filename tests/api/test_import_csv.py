"""POST /users/import refuses a malformed CSV as a whole, naming the line."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from ledger.db import db
from ledger.models import User
from tests.ledger.test_import_csv_strict import GOOD, STRAY, UNTERMINATED


@pytest.mark.parametrize("data", [UNTERMINATED, STRAY], ids=["unterminated", "stray text"])
@pytest.mark.parametrize("dry_run", [False, True], ids=["import", "dry run"])
def test_a_malformed_csv_is_refused_and_nothing_is_imported(client, org, as_user, data, dry_run):
    admin = as_user(org.admin, ("read", "admin"))
    before = db.session.scalar(select(func.count()).select_from(User))
    answer = client.post(
        f"/api/v1/users/import?dry_run={str(dry_run).lower()}",
        data=data,
        content_type="text/csv",
        headers=admin.headers(),
    )
    assert answer.status_code == 422, answer.json
    error = answer.json["error"]
    assert error["code"] == "validation_error" and "2" in error["message"]
    assert error["details"]["report"]["ok"] is False
    assert error["details"]["report"]["rows"][0]["row"] == 2
    assert db.session.scalar(select(func.count()).select_from(User)) == before


def test_a_well_quoted_csv_is_imported(client, org, as_user):
    admin = as_user(org.admin, ("read", "admin"))
    answer = client.post(
        "/api/v1/users/import", data=GOOD, content_type="text/csv", headers=admin.headers()
    )
    assert answer.status_code == 200, answer.json
    assert answer.json["counts"]["error"] == 0
    assert db.session.scalars(select(User.name).where(User.email == "ann@example.com")).one() == (
        "Lee, Ann"
    )
