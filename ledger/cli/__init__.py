"""`flask ledger ...`: the third adapter over the same services, one line of outcome each."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import AppGroup
from flask_migrate import upgrade

from ledger.cli.common import CLI_ACTOR, domain_errors
from ledger.clock import utcnow
from ledger.config import is_production

ledger_cli = AppGroup("ledger", help="Manage the Baton ledger.")


@ledger_cli.command("init-db")
def init_db() -> None:
    """Create or upgrade the database schema to the latest migration."""
    upgrade()
    click.echo("Database is at the latest schema.")


@ledger_cli.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when anyone is in the directory.")
@domain_errors
def seed_demo_command(if_empty) -> None:
    """Fill an empty database with a demo organisation and two months of awards."""
    from ledger.demo import directory_size, seed_demo

    if is_production(current_app):
        raise click.ClickException("seed-demo is refused in production.")
    if if_empty and directory_size():
        click.echo("The directory is not empty; no demo data added.")
        return
    click.echo("Creating the demo organisation (a few seconds)...")
    summary = seed_demo(now=utcnow())
    click.echo(summary["message"])


@ledger_cli.command("demo-logins")
@click.option("--url", default=None, help="Where Baton is served.")
def demo_logins_command(url) -> None:
    """Print where Baton is served and, if the demo organisation exists, how to log in."""
    from ledger.demo import DEMO_LOGINS, DEMO_PASSWORD, demo_present

    url = url or current_app.config["BATON_BASE_URL"]
    click.echo(f"\n  Baton is starting at {url}")
    if demo_present():
        click.echo(f"  Demo logins (password: {DEMO_PASSWORD}):")
        for role, email in DEMO_LOGINS:
            click.echo(f"    {role:<9} {email}")
    click.echo("  Stop with Ctrl+C.\n")


@ledger_cli.command("open-period")
@click.argument("period", required=False)
@domain_errors
def open_period_command(period) -> None:
    """Grant every active person their allowance for PERIOD (default: the current one)."""
    from ledger.services import open_period

    doc = open_period(period, now=utcnow(), actor=CLI_ACTOR).document
    click.echo(
        f"Period {doc['period']} is open: {doc['granted']} new allowances granted "
        f"to {doc['people']} people."
    )


@ledger_cli.command("close-period")
@click.argument("period", required=False)
@click.option("--force", is_flag=True, help="Close a period that has not ended yet.")
@domain_errors
def close_period_command(period, force) -> None:
    """Close PERIOD, or every ended period still open: unspent allowances expire."""
    from ledger.services import close_period

    results = close_period(period, now=utcnow(), actor=CLI_ACTOR, force=force)
    if not results:
        click.echo("No ended period is open; nothing to close.")
    for result in results:
        doc = result.document
        if doc["already_closed"]:
            click.echo(f"Period {doc['period']} was already closed.")
        else:
            click.echo(
                f"Closed {doc['period']}: {doc['accounts']} allowances, "
                f"{doc['expired']} points expired."
            )


@ledger_cli.command("verify")
@click.option("--json", "as_json", is_flag=True, help="Print the whole report as JSON.")
def verify_command(as_json) -> None:
    """Reconcile the books; exit 0 only if every check passes."""
    from ledger.reconciliation import verify_ledger

    report = verify_ledger(now=utcnow())
    if as_json:
        click.echo(json.dumps(report, indent=2, sort_keys=True))
    for warning in report["warnings"]:
        click.echo(f"warning: {warning['message']}", err=True)
    if not report["ok"]:
        if not as_json:
            for problem in report["problems"][:50]:
                click.echo(f"problem: {json.dumps(problem, sort_keys=True)}", err=True)
        raise click.ClickException(
            f"The books do not reconcile: {len(report['problems'])} problems."
        )
    if not as_json:
        counts = report["counts"]
        click.echo(
            f"The books reconcile: {counts['transfers']} transfers over "
            f"{counts['accounts']} accounts, {counts['awards']} awards."
        )


from ledger.cli.people import people_commands  # noqa: E402  (the directory, tokens, reversals)

for command in people_commands:
    ledger_cli.add_command(command)

from ledger.bonus.cli import bonus_cli  # noqa: E402  (the bonus-run group lives with its services)

ledger_cli.add_command(bonus_cli)

from ledger.cli.history import history_commands  # noqa: E402  (seal, export, import, backup)

for command in history_commands:
    ledger_cli.add_command(command)

from ledger.delivery.cli import (  # noqa: E402  (the worker lives with the queue)
    send_digests_command,
    worker_command,
)

ledger_cli.add_command(worker_command)
ledger_cli.add_command(send_digests_command)
