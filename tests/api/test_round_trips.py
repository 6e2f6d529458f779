"""The award path's round trips to the database, pinned (issue 11 item 1).

One award over HTTP, as an integration sends it (bearer token, Idempotency-Key), counted on
the engine: every statement plus BEGIN, COMMIT and ROLLBACK. The count is pinned exactly, so
a change that adds a statement fails here and must say why (or win it back); a change that
saves one lowers the pin. The negative control proves the counter sees an extra statement.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

import ledger.services.awards as awards_service
from ledger.db import db
from tests.api.conftest import Caller, award_body, token_for
from tests.factories import make_user
from tests.roundtrips import round_trips

# A warm award: the token used within the last minute, the giver's allowance granted and
# the recipient's earned account open (the steady state of a busy company). PostgreSQL: 22
# until the operation's result, audit event and outbox events went as one statement (CTEs).
PINNED = {"sqlite": 26, "postgresql": 20}


@pytest.fixture
def caller(engine_app):
    application = engine_app
    giver, recipient = make_user("giver@example.com"), make_user("taker@example.com")
    as_giver = Caller(application.test_client(), giver, token_for(giver, ["read", "award"]))
    first = as_giver.post("/api/v1/awards", award_body(recipient.id, points=1), key="warm-up")
    assert first.status_code == 201, first.json
    return db.engine.dialect.name, as_giver, recipient


def award_trips(as_giver, recipient, key: str) -> list[str]:
    # Under gunicorn each request starts with an empty session; here the test shares one
    # with the request, so empty it (else the request reloads the fixtures' expired rows).
    recipient_id = recipient.id
    db.session.close()
    with round_trips(db.engine) as seen:
        response = as_giver.post("/api/v1/awards", award_body(recipient_id, points=1), key=key)
    assert response.status_code == 201, response.json
    return seen


def test_an_award_over_http_makes_the_pinned_number_of_round_trips(caller):
    engine, as_giver, recipient = caller
    seen = award_trips(as_giver, recipient, "counted")
    assert len(seen) == PINNED[engine], "\n".join(seen)


def test_an_extra_statement_on_the_award_path_breaks_the_pin(caller, monkeypatch):
    """Negative control: one more query inside the award makes the pinned count fail."""
    engine, as_giver, recipient = caller
    kinds = awards_service.active_kind_codes

    def kinds_and_one_more():
        db.session.execute(text("SELECT 1"))
        return kinds()

    monkeypatch.setattr(awards_service, "active_kind_codes", kinds_and_one_more)
    seen = award_trips(as_giver, recipient, "counted")
    assert len(seen) == PINNED[engine] + 1, "\n".join(seen)


def test_a_failed_read_transaction_is_rolled_back_before_the_write(engine_app):
    """The write may go on in the request's read transaction only while that one is sound."""
    from sqlalchemy.exc import DBAPIError

    from ledger.db import write_transaction

    with pytest.raises(DBAPIError):
        db.session.execute(text("SELECT no_such_column FROM users"))  # the transaction fails
    assert write_transaction(lambda: db.session.execute(text("SELECT 2")).scalar()) == 2
