"""HR import rows obey the one text rule, each bad row named in the report."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from ledger.db import db
from ledger.imports.importer import ImportRejected, import_file
from ledger.models import Department, User
from tests.factories import ADMIN_ACTOR, NOW

HEADER = "email,name,department,manager_email,role\n"


def rejected(data: bytes, content_type: str) -> dict[int, str]:
    with pytest.raises(ImportRejected) as caught:
        import_file(data, content_type=content_type, now=NOW, actor=ADMIN_ACTOR)
    rows = caught.value.details["report"]["rows"]
    return {row["row"]: row["reason"] for row in rows if row["status"] == "error"}


def people_and_departments() -> tuple[int, int]:
    count = func.count()
    return (
        db.session.scalar(select(count).select_from(User)),
        db.session.scalar(select(func.count()).select_from(Department)),
    )


def test_each_row_breaking_the_text_rule_is_named_and_nothing_is_written(engine_app):
    text = (
        HEADER
        + "ok@example.com,Okay Person,Eng,,\n"
        + "nul@example.com,Nul\x00Person,Eng,,\n"
        + "bidi@example.com,\u202eevil,Eng,,\n"
        + 'line@example.com,"Two\nLines",Eng,,\n'
        + "dept@example.com,Dee,Sales\u2066,,\n"
        + "blank@example.com,\u200b\u200b,Eng,,\n"
    )
    before = people_and_departments()
    reasons = rejected(text.encode(), "text/csv")
    assert set(reasons) == {3, 4, 5, 7, 8}  # a row is numbered by the line it starts on
    assert "NUL" in reasons[3] and "'name'" in reasons[3]
    assert "U+202E" in reasons[4]
    assert "one line" in reasons[5]
    assert "'department'" in reasons[7]
    assert "visible" in reasons[8]
    assert people_and_departments() == before


def test_json_rows_follow_the_same_rule(app):
    rows = [
        {"email": "a@example.com", "name": "Ann", "department": None, "manager_email": None},
        {"email": "b@example.com", "name": "B\udc80", "department": None, "manager_email": None},
    ]
    data = json.dumps({"rows": rows}).encode()
    assert set(rejected(data, "application/json")) == {2}


@pytest.mark.parametrize("raw", ["[" * 10_000 + "]" * 10_000, '{"rows": [' + "9" * 5000 + "]}"])
def test_an_unreadable_json_file_is_refused_not_crashed_on(app, raw):
    reasons = rejected(raw.encode(), "application/json")
    assert "cannot be read" in reasons[1]
