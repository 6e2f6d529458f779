"""`flask ledger` commands over people: the directory, the HR import, tokens, reversals."""

from __future__ import annotations

import click

from ledger.cli.common import CLI_ACTOR, domain_errors, person
from ledger.clock import utcnow
from ledger.errors import LedgerError, ValidationFailed


@click.command("create-user")
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


@click.command("import-users")
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


@click.command("set-password")
@click.argument("email")
@domain_errors
def set_password_command(email) -> None:
    """Print a one-time link (under BATON_BASE_URL) where EMAIL can set a password."""
    from ledger.password_links import admin_link

    click.echo(admin_link(person(email).id, now=utcnow(), actor=CLI_ACTOR))


@click.command("create-token")
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
            person(email).id,
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


@click.command("deactivate-user")
@click.argument("email")
@domain_errors
def deactivate_user_command(email) -> None:
    """Deactivate EMAIL: sessions and tokens end, the open allowance expires; history stays."""
    from ledger.services.directory import deactivate_user

    result = deactivate_user(person(email).id, now=utcnow(), actor=CLI_ACTOR)
    click.echo(f"Deactivated {result.document['email']}; their sessions and tokens have ended.")


@click.command("unlink-sso")
@click.argument("email")
@domain_errors
def unlink_sso_command(email) -> None:
    """Forget EMAIL's single sign-on subject: their next sign-in links by verified email."""
    from ledger.sso.oidc import unlink_oidc_subject

    result = unlink_oidc_subject(person(email).id, now=utcnow(), actor=CLI_ACTOR)
    state = "unlinked" if result["unlinked"] else "was not linked"
    click.echo(f"{result['email']} {state}; their next single sign-on links them again.")


@click.command("reverse-award")
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


people_commands = [
    create_user_command,
    import_users_command,
    set_password_command,
    create_token_command,
    deactivate_user_command,
    unlink_sso_command,
    reverse_award_command,
]
