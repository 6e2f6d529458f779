"""`flask ledger seal|export|import|backup`: prove, copy and restore the whole history."""

from __future__ import annotations

import click

from ledger.cli.common import CLI_ACTOR, domain_errors
from ledger.clock import utcnow


@click.command("seal")
@click.option(
    "--wait",
    type=click.FloatRange(0, 3600),
    default=30,
    show_default=True,
    help="Seconds to wait for transactions open when sealing began (PostgreSQL).",
)
@domain_errors
def seal_command(wait) -> None:
    """Append seals over every transfer no open transaction can still add to."""
    from ledger.sealing import seal_transfers

    report = seal_transfers(now=utcnow(), actor=CLI_ACTOR, wait=wait)
    if report.links:
        click.echo(f"Sealed {report.transfers} transfers up to id {report.last_id} in "
                   f"{report.links} links; chain head {report.head}.")  # fmt: skip
    else:
        click.echo(f"Nothing new to seal; chain head {report.head or 'none'}.")


@click.command("export")
@click.argument("path", type=click.Path(dir_okay=False, allow_dash=True))
def export_command(path) -> None:
    """Write every table to PATH (or - for stdout) as JSON Lines with the schema revision."""
    from ledger.backup import export_lines

    if path == "-":
        for line in export_lines():
            click.get_text_stream("stdout").write(line)
        return
    with open(path, "x", encoding="utf-8") as handle:  # never overwrite an older export
        rows = sum(1 for line in export_lines() if handle.write(line)) - 2
    click.echo(f"Exported {rows} rows to {path}.")


@click.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@domain_errors
def import_command(path) -> None:
    """Load an export into a database that only init-db has touched, ids included."""
    from ledger.backup import import_lines

    with open(path, encoding="utf-8") as handle:
        counts = import_lines(handle)
    click.echo(f"Imported {sum(counts.values())} rows into {len(counts)} tables.")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
@domain_errors
def backup_command(path) -> None:
    """Copy the live SQLite database to PATH (online); PostgreSQL uses pg_dump."""
    from pathlib import Path

    from ledger.backup import copy_sqlite

    if Path(path).exists():
        raise click.ClickException(f"{path} exists; choose a new file.")
    copy_sqlite(path)
    click.echo(f"Backed up the database to {path}.")


history_commands = [seal_command, export_command, import_command, backup_command]
