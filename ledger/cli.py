"""`flask ledger ...`: the third adapter over the same services, one line of outcome each."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps

import click
from flask import current_app
from flask.cli import AppGroup
from flask_migrate import upgrade

from ledger.clock import utcnow
from ledger.config import is_production
from ledger.errors import LedgerError
from ledger.operations import Actor

ledger_cli = AppGroup("ledger", help="Manage the Baton ledger.")
CLI_ACTOR = Actor(None, request_id="cli")


def domain_errors(command: Callable) -> Callable:
    """Turn a domain refusal into a clear message and a non-zero exit."""

    @wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except LedgerError as error:
            raise click.ClickException(error.message) from error

    return wrapper


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


@ledger_cli.command("create-user")
@click.argument("email")
@click.option("--name", required=True, help="Full name.")
@click.option("--department", help="Department name; created if new.")
@click.option("--manager", help="Email of the person's manager.")
@click.option("--role", type=click.Choice(["employee", "manager", "admin"]), default="employee")
@click.option("--password", help="Initial password (at least 10 characters).")
@domain_errors
def create_user_command(email, name, department, manager, role, password) -> None:
    """Add a person to the directory."""
    from ledger.services.people import create_user

    result = create_user(
        email,
        name=name,
        department=department,
        manager=manager,
        role=role,
        password=password,
        now=utcnow(),
        actor=CLI_ACTOR,
    )
    click.echo(f"Created {result.document['email']} (id {result.document['id']}, {role}).")


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
