"""`flask ledger bonus-run ...`: the same services, one line of outcome each."""

import re

import pytest

from tests.bonus.helpers import assert_books_reconcile, build_org, give

VERSION = re.compile(r"version ([0-9a-f]{64})")


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
    version = VERSION.search(created.output).group(1)
    nightly = ("commit", "1", "--as", org.ann.email, "--version", version, "--key", "nightly-1")
    committed = cli(*nightly)
    assert "is committed: EUR 20.00 for 40 points" in committed.output
    assert "(replayed)" in cli(*nightly).output
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
    nobody = cli("commit", "1", "--as", "nobody@example.com", "--version", "v")
    assert nobody.exit_code != 0 and "nobody@example.com" in nobody.output
    unnamed = cli("commit", "1", "--as", org.ann.email)
    assert unnamed.exit_code != 0 and "--version" in unnamed.output


def test_a_commit_pays_only_the_version_it_names(app, cli):
    # Regression: a second commit after `draft_stale` paid amounts nobody had been shown.
    org = build_org()
    give(org.dee, [org.bob, org.cy], 20)
    created = cli(
        "create", "--as", org.ann.email, "--scope", f"team:{org.ann.id}", "--since",
        "2026-11-01", "--until", "2026-11-30", "--rate", "50", "--currency", "EUR",
    )  # fmt: skip
    old = VERSION.search(created.output).group(1)
    give(org.dee, [org.cy], 10)
    for _ in range(2):
        stale = cli("commit", "1", "--as", org.ann.email, "--version", old)
        assert stale.exit_code != 0 and "50 points, EUR 25.00" in stale.output
    shown = cli("show", "1", "--as", org.ann.email)
    assert "Cy <" in shown.output and "30 points, EUR 15.00" in shown.output
    new = VERSION.search(shown.output).group(1)
    assert new == VERSION.search(stale.output).group(1) != old
    committed = cli("commit", "1", "--as", org.ann.email, "--version", new)
    assert "is committed: EUR 25.00 for 50 points" in committed.output
    assert_books_reconcile()
