"""The database guards conversions and run lines: one void per conversion, nothing else."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from ledger.db import db
from tests.bonus.helpers import build_org, commit, draft, give


@pytest.fixture
def committed(engine_app):
    org = build_org()
    give(org.dee, [org.bob, org.cy], 20)
    commit(org.ann, draft(org.ann)["id"])
    return engine_app


def refused(statement: str) -> None:
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text(statement))
    db.session.rollback()


def test_a_conversion_may_be_voided_once_and_never_again(committed):
    db.session.execute(text("UPDATE conversions SET voided_at = created_at"))
    db.session.commit()
    refused("UPDATE conversions SET voided_at = NULL")
    refused("UPDATE conversions SET voided_at = created_at")


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE conversions SET points = points + 1",
        "UPDATE conversions SET award_line_id = award_line_id, bonus_run_id = bonus_run_id + 1",
        "UPDATE conversions SET voided_at = created_at, points = 0",
        "DELETE FROM conversions",
        "UPDATE bonus_run_lines SET amount_cents = amount_cents + 1",
        "DELETE FROM bonus_run_lines",
    ],
)
def test_any_other_change_is_refused_by_the_database(committed, statement):
    refused(statement)


@pytest.mark.parametrize("table", ["conversions", "bonus_run_lines"])
def test_truncate_is_refused_on_postgresql(committed, table):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    refused(f"TRUNCATE {table} CASCADE")


def test_the_bonus_run_row_itself_is_not_append_only(committed):
    # Negative control: the refusals come from the triggers, not the statements' shape.
    db.session.execute(text("UPDATE bonus_runs SET scope = scope"))
    db.session.rollback()
