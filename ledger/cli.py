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
from ledger.errors import LedgerError, ValidationFailed
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
@click.option(
    "--kind",
    type=click.Choice(["person", "bot", "service"]),
    default="person",
    help="A service account may hold on-behalf tokens; bots and services never give or receive.",
)
@domain_errors
def create_user_command(email, name, department, manager, role, password, kind) -> None:
    """Add a person to the directory."""
    from ledger.services.directory import create_user

    result = create_user(
        email,
        name=name,
        department=department,
        manager=manager,
        role=role,
        kind=kind,
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


def _person(email: str):
    from ledger.queries.people import user_by_email

    user = user_by_email(email)
    if user is None:
        raise click.ClickException(f"No one with the email {email} is in the directory.")
    return user


@ledger_cli.command("import-users")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check and report; write nothing.")
def import_users_command(file, dry_run) -> None:
    """Upsert people from an HR CSV or JSON FILE by email, all or nothing."""
    from ledger.imports.importer import ImportRejected, import_file

    with open(file, "rb") as handle:
        data = handle.read()
    kind = "application/json" if file.lower().endswith(".json") else "text/csv"
    try:
        report = import_file(
            data, content_type=kind, now=utcnow(), actor=CLI_ACTOR, dry_run=dry_run
        )
    except ImportRejected as error:
        for row in error.details["report"]["rows"]:
            if row["status"] == "error":
                click.echo(f"row {row['row']}: {row['reason']}", err=True)
        raise click.ClickException(error.message) from error
    except LedgerError as error:
        raise click.ClickException(error.message) from error
    counts = report["counts"]
    verb = "Would import" if dry_run else "Imported"
    click.echo(
        f"{verb} {len(report['rows'])} rows: {counts['created']} created, "
        f"{counts['updated']} updated, {counts['unchanged']} unchanged."
    )


@ledger_cli.command("set-password")
@click.argument("email")
@domain_errors
def set_password_command(email) -> None:
    """Print a one-time link (under BATON_BASE_URL) where EMAIL can set a password."""
    from ledger.password_links import admin_link

    click.echo(admin_link(_person(email).id, now=utcnow(), actor=CLI_ACTOR))


@ledger_cli.command("create-token")
@click.argument("email")
@click.option("--scope", "scopes", multiple=True, required=True, help="Repeat for each scope.")
@click.option("--name", default="cli", show_default=True, help="What the token is for.")
@click.option("--expires-days", type=click.IntRange(1, 3650), help="Expire after this many days.")
@domain_errors
def create_token_command(email, scopes, name, expires_days) -> None:
    """Create an API token for EMAIL and print only the token (shown once)."""
    from ledger.tokens import create_token

    try:
        raw, _ = create_token(
            _person(email).id,
            name=name,
            scopes=list(scopes),
            expires_days=expires_days,
            now=utcnow(),
            actor=CLI_ACTOR,
            creator_is_admin=True,
        )
    except ValidationFailed as refusal:
        raise click.ClickException(refusal.message + _token_hint(refusal.details)) from refusal
    click.echo(raw)


def _token_hint(details: dict) -> str:
    """Say which options fix a refused token, in the CLI's own words."""
    if details.get("needs_kind") == "service":
        return (
            "\nCreate one with: flask --app wsgi ledger create-user EMAIL --name NAME "
            "--kind service\nthen: flask --app wsgi ledger create-token EMAIL "
            "--scope award --scope on-behalf"
        )
    missing = details.get("add_scopes") or []
    return "".join(f"\nAdd --scope {scope}." for scope in missing)


@ledger_cli.command("deactivate-user")
@click.argument("email")
@domain_errors
def deactivate_user_command(email) -> None:
    """Deactivate EMAIL: sessions and tokens end, the open allowance expires; history stays."""
    from ledger.services.directory import deactivate_user

    result = deactivate_user(_person(email).id, now=utcnow(), actor=CLI_ACTOR)
    click.echo(f"Deactivated {result.document['email']}; their sessions and tokens have ended.")


@ledger_cli.command("reverse-award")
@click.argument("award_id", type=click.IntRange(1, 2**31 - 1))
@click.option("--reason", required=True, help="Why; kept in the audit trail.")
@click.option("--clawback", is_flag=True, help="Claw back lines a bonus run already paid.")
@domain_errors
def reverse_award_command(award_id, reason, clawback) -> None:
    """Reverse a whole award: the points go back to the giver (or expire)."""
    from ledger.services import reverse_award

    doc = reverse_award(award_id, reason=reason, clawback=clawback, now=utcnow(),
                        actor=CLI_ACTOR).document  # fmt: skip
    click.echo(f"Reversed award {doc['award_id']}: {doc['points_returned']} points back to "
               f"{doc['returned_to']}.")  # fmt: skip


from ledger.bonus.cli import bonus_cli  # noqa: E402  (the bonus-run group lives with its services)

ledger_cli.add_command(bonus_cli)

from ledger.history_cli import history_commands  # noqa: E402  (seal, export, import, backup)

for command in history_commands:
    ledger_cli.add_command(command)

from ledger.delivery.cli import (  # noqa: E402  (the worker lives with the queue)
    send_digests_command,
    worker_command,
)

ledger_cli.add_command(worker_command)
ledger_cli.add_command(send_digests_command)
