"""The HR import: upsert by email, all or nothing, every bad row named."""

import time

import pytest
from sqlalchemy import func, select

from ledger.db import db
from ledger.imports.importer import ImportRejected, import_file, read_csv, read_json
from ledger.models import Account, User
from ledger.operations import Actor
from ledger.queries.org import managers_above
from ledger.queries.people import user_by_email
from tests.factories import ADMIN_ACTOR, make_user

HEADER = "email,name,department,manager_email,role,employee_number,active\n"


def run_csv(text: str | bytes, now, *, dry_run=False, actor=ADMIN_ACTOR):
    data = text.encode() if isinstance(text, str) else text
    return import_file(data, content_type="text/csv", now=now, actor=actor, dry_run=dry_run)


def rejected_rows(text, now, **kwargs):
    with pytest.raises(ImportRejected) as caught:
        run_csv(text, now, **kwargs)
    return {
        row["row"]: row["reason"]
        for row in caught.value.details["report"]["rows"]
        if row["status"] == "error"
    }


def people() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_managers_may_come_after_their_reports(app, now):
    report = run_csv(
        HEADER + "ann@example.com,Ann,Eng,boss@example.com,employee,E2,\n"
        "Boss@Example.com,Boss,Eng,,manager,E1,true\n",
        now,
    )
    assert report["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "error": 0}
    ann, boss = user_by_email("ann@example.com"), user_by_email("boss@example.com")
    assert managers_above([ann.id])[ann.id] == [boss.id]
    assert boss.role == "manager" and ann.employee_number == "E2"
    earned = db.session.scalar(
        select(func.count()).select_from(Account).where(Account.kind == "earned")
    )
    assert earned == 2


def test_a_second_import_reports_updated_and_unchanged_rows(app, now):
    text = (
        HEADER
        + "boss@example.com,Boss,Eng,,manager,,\nann@example.com,Ann,Eng,boss@example.com,,,\n"
    )
    run_csv(text, now)
    report = run_csv(text.replace("Ann,Eng", "Ann Lee,Sales"), now)
    statuses = {row["email"]: (row["status"], row.get("changes")) for row in report["rows"]}
    assert statuses["boss@example.com"] == ("unchanged", None)
    assert statuses["ann@example.com"] == ("updated", ["name", "department"])
    assert user_by_email("ann@example.com").department.name == "Sales"


def test_a_dry_run_reports_without_writing(app, now):
    report = run_csv(HEADER + "ann@example.com,Ann,Eng,,,,\n", now, dry_run=True)
    assert report["dry_run"] and report["counts"]["created"] == 1
    assert people() == 0


@pytest.mark.parametrize(
    ("body", "line", "reason"),
    [
        ("ann@example.com,Ann,Eng,ghost@example.com,,,\n", 2, "Unknown manager"),
        ("ann@example.com,Ann,Eng,,wizard,,\n", 2, "Bad role"),
        ("ann@example.com,,Eng,,,,\n", 2, "Missing field 'name'"),
        (",Ann,Eng,,,,\n", 2, "Missing field 'email'"),
        (
            "ann@example.com,Ann,Eng,,,,\nbob@example.com,Bob,,,,,\nANN@example.com,A,,,,,\n",
            4,
            "Duplicate email",
        ),
        ("ann@example.com,Ann,Eng,,,,maybe\n", 2, "Bad active"),
        ("ann@example.com,Ann,Eng,,,,,extra\n", 2, "more cells"),
        ("not-an-email,Ann,Eng,,,,\n", 2, "not an email"),
    ],
)
def test_a_bad_row_is_named_and_nothing_is_written(app, now, body, line, reason):
    make_user("keep@example.com")
    before = people()
    errors = rejected_rows(HEADER + "ok@example.com,Ok,Eng,,,,\n" + body, now)
    assert line + 1 in errors and reason in errors[line + 1], errors
    assert people() == before


def test_a_cycle_is_refused_on_every_row_in_it(app, now):
    errors = rejected_rows(
        HEADER + "a@example.com,A,,b@example.com,,,\n"
        "b@example.com,B,,c@example.com,,,\n"
        "c@example.com,C,,a@example.com,,,\n"
        "d@example.com,D,,a@example.com,,,\n",
        now,
    )
    assert set(errors) == {2, 3, 4} and "cycle" in errors[2]


def test_a_cycle_through_someone_already_in_the_directory_is_refused(app, now):
    make_user("boss@example.com")
    make_user("ann@example.com", manager="boss@example.com")
    errors = rejected_rows(HEADER + "boss@example.com,Boss,,ann@example.com,,,\n", now)
    assert "cycle" in errors[2]


def test_bad_encoding_names_the_line(app, now):
    data = (HEADER + "ann@example.com,Ann,,,,,\nbob@example.com,B\xe9b,,,,,\n").encode("latin-1")
    errors = rejected_rows(data, now)
    assert 3 in errors and "UTF-8" in errors[3]


def test_an_unknown_or_missing_column_is_refused(app, now):
    assert "Unknown column" in rejected_rows("email,name,salary\na@example.com,A,1\n", now)[1]
    assert "'name'" in rejected_rows("email,department\na@example.com,Eng\n", now)[1]
    missing = rejected_rows("email,name,department,role\na@example.com,A,,\n", now)
    assert "'manager_email'" in missing[1]


def test_json_rows_are_numbered_from_one(app, now):
    rows = read_json(b'{"rows": [{"email": "a@example.com", "name": "A"}, {"email": 5}]}')
    assert rows[1][0] == 2
    with pytest.raises(ImportRejected, match="Row 2"):
        import_file(
            b'{"rows": [{"email": "a@example.com", "name": "A"}, {"email": "b@example.com"}]}',
            content_type="application/json",
            now=now,
            actor=ADMIN_ACTOR,
        )


def test_employee_numbers_stay_unique_but_may_swap(app, now):
    run_csv(HEADER + "a@example.com,A,,,,E1,\nb@example.com,B,,,,E2,\n", now)
    errors = rejected_rows(HEADER + "c@example.com,C,,,,E1,\n", now)
    assert "already belongs to a@example.com" in errors[2]
    run_csv(HEADER + "a@example.com,A,,,,E2,\nb@example.com,B,,,,E1,\n", now)
    assert user_by_email("a@example.com").employee_number == "E2"


def test_the_importer_cannot_demote_themselves_or_the_last_admin(app, now):
    admin = make_user("admin@example.com", role="admin")
    errors = rejected_rows(
        HEADER + "admin@example.com,Admin,,,employee,,\n", now, actor=Actor(admin.id)
    )
    assert "yourself" in errors[2]
    errors = rejected_rows(HEADER + "admin@example.com,Admin,,,,,false\n", now)
    assert "no active admin" in errors[2]


def test_deactivation_by_import_ends_access(app, now):
    ann = make_user("ann@example.com")
    version = ann.session_version
    report = run_csv(
        HEADER + "ann@example.com,Person,Engineering,,,,false\n".replace("Person", ann.name), now
    )
    assert report["rows"][0]["changes"] == ["active"]
    ann = db.session.get(User, ann.id, populate_existing=True)
    assert not ann.active and ann.session_version == version + 1


def test_ten_thousand_rows_import_in_seconds(engine_app, now):
    lines = [HEADER, "ceo@example.com,CEO,Board,,admin,N0,\n"]
    for index in range(1, 10_000):
        boss = "ceo@example.com" if index < 100 else f"p{index // 100}@example.com"
        lines.append(f"p{index}@example.com,Person {index},Dept {index % 40},{boss},,N{index},\n")
    data = "".join(reversed(lines[1:])).join([lines[0], ""]).encode()
    started = time.perf_counter()
    report = run_csv(data, now)
    elapsed = time.perf_counter() - started
    engine = engine_app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0]
    print(f"\n10,000-row import on {engine}: {elapsed:.2f} s")
    assert report["counts"]["created"] == 10_000
    again = time.perf_counter()
    assert run_csv(data, now)["counts"]["unchanged"] == 10_000
    print(f"10,000-row re-import (all unchanged): {time.perf_counter() - again:.2f} s")


def test_read_csv_skips_blank_lines_and_keeps_file_line_numbers():
    rows = read_csv(b"email,name,department,manager_email,role\n\na@example.com,A,,,\n")
    assert rows == [
        (
            3,
            {
                "email": "a@example.com",
                "name": "A",
                "department": "",
                "manager_email": "",
                "role": "",
            },
        )
    ]
