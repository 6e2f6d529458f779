"""Run migrations against the app's own engine (online mode only)."""

from alembic import context
from flask import current_app

config = context.config
database = current_app.extensions["migrate"].db


def run_migrations() -> None:
    with database.engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=database.metadata,
            render_as_batch=True,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Baton runs its migrations online, against the configured database.")
run_migrations()
