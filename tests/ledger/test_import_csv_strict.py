"""A malformed HR CSV is refused as a whole, naming the line; nothing is imported."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from ledger.db import db
from ledger.imports.importer import ImportRejected, read_csv
from ledger.models import User
from tests.factories import make_user

HEADER = b"email,name,department,manager_email,role\n"
# The quote opened on line 2 is never closed: a lenient reader swallows line 3 into Ann's name.
UNTERMINATED = HEADER + b'ann@example.com,"Ann,Eng,,employee\nbob@example.com,Bob,Eng,,employee\n'
# A quote closed in the middle of a field, followed by more text.
STRAY = HEADER + b'ann@example.com,"Ann" Lee,Eng,,employee\nbob@example.com,Bob,Eng,,employee\n'
GOOD = HEADER + b'ann@example.com,"Lee, Ann",Eng,,employee\nbob@example.com,Bob,Eng,,employee\n'


def refusal(data: bytes) -> dict:
    with pytest.raises(ImportRejected) as caught:
        read_csv(data)
    (row,) = caught.value.details["report"]["rows"]
    return row


def test_an_unterminated_quote_is_refused_with_the_line_it_opens_on():
    row = refusal(UNTERMINATED)
    assert row["row"] == 2 and row["status"] == "error"
    assert "never closed" in row["reason"]


def test_text_after_a_closing_quote_is_refused_with_its_line():
    row = refusal(STRAY)
    assert row["row"] == 2 and row["status"] == "error"


def test_an_unterminated_quote_in_the_header_is_refused():
    assert refusal(b'email,"name,department,manager_email,role\n')["row"] == 1


def test_well_quoted_cells_with_commas_still_read():
    # Negative control for the strict reader: proper quoting is not a malformed file.
    rows = read_csv(GOOD)
    assert [(line, row["name"]) for line, row in rows] == [(2, "Lee, Ann"), (3, "Bob")]


def people() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_the_cli_refuses_a_malformed_file_and_imports_nothing(app, tmp_path):
    make_user("admin@example.com", role="admin")
    before = people()
    path = tmp_path / "people.csv"
    path.write_bytes(UNTERMINATED)
    result = app.test_cli_runner().invoke(args=["ledger", "import-users", str(path)])
    assert result.exit_code != 0
    assert "row 2:" in result.output and "never closed" in result.output
    assert people() == before
