"""What every `flask ledger` command shares: the acting identity, refusals as exit codes."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

import click

from ledger.errors import LedgerError
from ledger.operations import Actor

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


def person(email: str):
    """Return the person with this email, or stop the command saying no one has it."""
    from ledger.queries.people import user_by_email

    user = user_by_email(email)
    if user is None:
        raise click.ClickException(f"No one with the email {email} is in the directory.")
    return user
