"""`flask ledger ...` commands: one line of outcome, non-zero exit on bad input."""

from datetime import UTC, datetime

import pytest

from ledger.delivery import worker
from ledger.demo import DEMO_LOGINS, DEMO_PASSWORD
from ledger.reconciliation import verify_ledger
from ledger.sessions import check_credentials
from tests.delivery.helpers import deliveries, events


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def invoke(*args):
        return runner.invoke(args=["ledger", *args], catch_exceptions=False)

    return invoke


def test_init_db_is_idempotent(cli):
    assert cli("init-db").exit_code == 0
    assert "latest schema" in cli("init-db").output


def test_create_user_and_refuse_a_duplicate(cli):
    result = cli(
        "create-user",
        "Ada@Example.com",
        "--name",
        "Ada Lovelace",
        "--role",
        "admin",
        "--department",
        "Engineering",
        "--password",
        "a long password",
    )
    assert result.exit_code == 0, result.output
    assert "Created ada@example.com" in result.output
    again = cli("create-user", "ada@example.com", "--name", "Ada")
    assert again.exit_code != 0
    assert "already in the directory" in again.output


def test_create_user_refuses_a_short_password_and_an_unknown_manager(cli):
    assert (
        "at least 10"
        in cli("create-user", "a@example.com", "--name", "A", "--password", "short").output
    )
    assert (
        "No manager"
        in cli(
            "create-user", "b@example.com", "--name", "B", "--manager", "ghost@example.com"
        ).output
    )


def test_seed_demo_builds_an_organisation_that_reconciles(cli, app):
    result = cli("seed-demo")
    assert result.exit_code == 0, result.output
    assert "40 people" in result.output
    assert verify_ledger()["ok"]
    # Its invented history is not news: a worker mails and posts nothing about it.
    app.config.update(BATON_MAIL_NOTIFICATIONS="1")
    assert events() and worker.work_once() == 0
    assert deliveries() == []
    assert check_credentials(DEMO_LOGINS[1][1], DEMO_PASSWORD) is not None
    assert "already there" in cli("seed-demo").output
    assert "not empty" in cli("seed-demo", "--if-empty").output
    verify = cli("verify")
    assert verify.exit_code == 0
    assert "reconcile" in verify.output
    logins = cli("demo-logins", "--url", "http://127.0.0.1:5000/")
    assert DEMO_LOGINS[0][1] in logins.output and DEMO_PASSWORD in logins.output


def test_seed_demo_refuses_a_database_with_real_people(cli):
    cli("create-user", "real@example.com", "--name", "Real Person")
    result = cli("seed-demo")
    assert result.exit_code != 0
    assert "empty database" in result.output


def test_seed_demo_is_refused_in_production(sqlite_template):
    from tests.factories import make_app

    url = sqlite_template.new_database()
    production = make_app(url, BATON_ENV="production")
    result = production.test_cli_runner().invoke(args=["ledger", "seed-demo"])
    assert result.exit_code != 0
    assert "production" in result.output


def test_open_and_close_periods(cli):
    cli("create-user", "a@example.com", "--name", "A")
    opened = cli("open-period")
    assert opened.exit_code == 0 and "1 new allowances" in opened.output
    assert "0 new allowances" in cli("open-period").output
    key = datetime.now(UTC).strftime("%Y-%m")
    early = cli("close-period", key)
    assert early.exit_code != 0 and "--force" in early.output
    closed = cli("close-period", key, "--force")
    assert closed.exit_code == 0 and "100 points expired" in closed.output
    assert "already closed" in cli("close-period", key, "--force").output
    assert cli("close-period", "2026-13").exit_code != 0
    assert "nothing to close" in cli("close-period").output


def test_verify_fails_when_a_balance_is_tampered_with(cli, app):
    # Negative control for reconciliation: a balance edited behind the ledger's back.
    from sqlalchemy import text

    from ledger.db import db

    cli("seed-demo")
    db.session.execute(
        text(
            "UPDATE accounts SET balance = balance + 1 "
            "WHERE id = (SELECT min(id) FROM accounts WHERE kind = 'earned')"
        )
    )
    db.session.commit()
    result = cli("verify")
    assert result.exit_code != 0
    assert "do not reconcile" in result.output


def test_reverse_award_from_the_command_line(cli, app, now):
    from tests.factories import make_award, make_user

    award = make_award(make_user(), [make_user()], points=7, now=now)
    done = cli("reverse-award", str(award["id"]), "--reason", "duplicate")
    assert done.exit_code == 0 and "7 points back" in done.output
    again = cli("reverse-award", str(award["id"]), "--reason", "duplicate")
    assert again.exit_code != 0 and "already been reversed" in again.output
    assert cli("reverse-award", "999999", "--reason", "x").exit_code != 0
