"""`flask ledger bonus-run ...`: the same services, one line of outcome each."""

import pytest

from tests.bonus.helpers import assert_books_reconcile, build_org, give


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def invoke(*args):
        return runner.invoke(args=["ledger", "bonus-run", *args], catch_exceptions=False)

    return invoke


def test_a_scheduled_run_is_created_committed_and_paid_from_the_command_line(app, cli):
    org = build_org()
    give(org.dee, [org.bob, org.cy], 20)
    created = cli(
        "create", "--as", org.ann.email, "--scope", f"team:{org.ann.id}", "--since",
        "2026-11-01", "--until", "2026-11-30", "--rate", "50", "--currency", "EUR",
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    assert "Draft bonus run 1: 2 people, 40 points, EUR 20.00" in created.output
    committed = cli("commit", "1", "--as", org.ann.email, "--key", "nightly-1")
    assert "is committed: EUR 20.00 for 40 points" in committed.output
    assert "(replayed)" in cli("commit", "1", "--as", org.ann.email, "--key", "nightly-1").output
    assert "is paid" in cli("paid", "1", "--as", org.ann.email).output
    refused = cli("void", "1", "--as", org.ann.email)
    assert refused.exit_code != 0 and "paid" in refused.output
    assert_books_reconcile()


def test_bad_input_exits_non_zero_with_a_clear_message(app, cli):
    org = build_org()
    both = cli("create", "--as", org.ann.email, "--scope", "company", "--last-month",
               "--rate", "1", "--pool", "5", "--currency", "EUR")  # fmt: skip
    assert both.exit_code != 0 and "exactly one of --rate or --pool" in both.output
    empty = cli("create", "--as", org.ann.email, "--scope", f"team:{org.ann.id}",
                "--last-month", "--rate", "1", "--currency", "EUR")  # fmt: skip
    assert empty.exit_code != 0 and "No one in scope" in empty.output
    nobody = cli("commit", "1", "--as", "nobody@example.com")
    assert nobody.exit_code != 0 and "nobody@example.com" in nobody.output
