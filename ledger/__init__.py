"""Baton's domain: the points ledger, its rules, services, queries and CLI."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask_migrate import Migrate

from ledger.db import db

MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")

migrate = Migrate(directory=MIGRATIONS, render_as_batch=True)


def init_app(app: Flask) -> None:
    """Attach the database, migrations and the `flask ledger` commands to the app."""
    import ledger.models  # noqa: F401  (register the tables with the metadata)
    from ledger.cli import ledger_cli

    db.init_app(app)
    migrate.init_app(app, db)
    app.cli.add_command(ledger_cli)
