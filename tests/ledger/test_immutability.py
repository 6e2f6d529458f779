"""History cannot be edited: the database itself refuses changes to append-only tables."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from ledger.db import db
from ledger.models import APPEND_ONLY_TABLES
from ledger.operations import Actor
from ledger.sealing import seal_transfers
from ledger.services import close_period, reverse_award
from ledger.services.request_close import CloseAward, close_request
from tests.factories import ADMIN_ACTOR, make_award, make_user
from tests.figures import engine, write_figure
from tests.requests.helpers import ask, step


@pytest.fixture
def history(engine_app, now):
    award = make_award(make_user(), [make_user()], now=now)
    customer, provider = make_user(), make_user()
    request = ask(customer, provider=provider, now=now)
    step(provider, request, "accept", now=now)
    step(provider, request, "deliver", now=now)
    thanks = CloseAward(5, "Delivered exactly as asked.", "need")
    close_request(request["id"], by=customer.id, award=thanks, now=now, actor=Actor(customer.id))
    reverse_award(award["id"], reason="test reversal", now=now, actor=ADMIN_ACTOR)
    close_period("2026-11", now=now, actor=ADMIN_ACTOR, force=True)
    seal_transfers(now=now, actor=ADMIN_ACTOR)
    return engine_app


def triggers_present(table: str) -> set[str]:
    if db.engine.dialect.name == "postgresql":
        rows = db.session.execute(
            text(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = CAST(:t AS regclass) "
                "AND NOT tgisinternal"
            ),
            {"t": table},
        )
    else:
        rows = db.session.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"),
            {"t": table},
        )
    return {row[0] for row in rows}


@pytest.mark.parametrize("table", APPEND_ONLY_TABLES)
def test_every_append_only_table_has_its_triggers_after_upgrade_head(history, table):
    expected = (
        {f"{table}_append_only", f"{table}_no_truncate"}
        if db.engine.dialect.name == "postgresql"
        else {f"{table}_no_update", f"{table}_no_delete"}
    )
    assert expected <= triggers_present(table)


@pytest.mark.parametrize("table", APPEND_ONLY_TABLES)
@pytest.mark.parametrize("statement", ["UPDATE {t} SET id = id", "DELETE FROM {t}"])
def test_update_and_delete_are_refused_by_the_database(history, table, statement):
    assert db.session.execute(text(f"SELECT count(*) FROM {table}")).scalar() > 0
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text(statement.format(t=table)))
    db.session.rollback()
    # Reached only once the database refused the change (a missing refusal fails above).
    write_figure(f"append-only-{engine()}", part=f"{table}-{statement.split()[0]}", violations=0,
                 refusals=1)  # fmt: skip


@pytest.mark.parametrize("table", APPEND_ONLY_TABLES)
def test_truncate_is_refused_on_postgresql(history, table):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text(f"TRUNCATE {table} CASCADE"))
    db.session.rollback()


def test_an_unprotected_table_accepts_the_same_update(history):
    # Negative control: the refusal comes from the triggers, not from the statement.
    db.session.execute(text("UPDATE departments SET name = name"))
    db.session.rollback()
