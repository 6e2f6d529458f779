"""Readiness: can this process serve traffic? Each check is one function in a registry."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cache
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from ledger import clock
from ledger.db import db
from ledger.models import Delivery, OutboxEvent

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
log = logging.getLogger(__name__)
DEFAULT_STUCK_AFTER = 600  # seconds; BATON_BACKLOG_STUCK_AFTER

# A check returns None when all is well, or a short reason an operator can act on.
ReadinessCheck = Callable[[], str | None]
READINESS_CHECKS: dict[str, ReadinessCheck] = {}


def readiness_check(name: str) -> Callable[[ReadinessCheck], ReadinessCheck]:
    """Register a readiness check under `name`; `/readyz` runs every registered check."""

    def register(check: ReadinessCheck) -> ReadinessCheck:
        READINESS_CHECKS[name] = check
        return check

    return register


def readiness() -> dict[str, str | None]:
    """Map each check's name to None (fine) or a reason; nothing runs past a dead database."""
    results: dict[str, str | None] = {}
    for name, check in READINESS_CHECKS.items():
        try:
            results[name] = check()
        except SQLAlchemyError as error:
            # The reason goes to the log, not to an unauthenticated caller.
            log.warning("Readiness check %s failed: %s", name, error.__class__.__name__)
            results[name] = "database error"
        finally:
            db.session.rollback()
        if name == "database" and results[name]:
            break  # every later check needs the database
    return results


@cache
def migration_heads() -> frozenset[str]:
    """Return the revision ids this code expects the schema to be at."""
    return frozenset(ScriptDirectory(str(MIGRATIONS)).get_heads())


@readiness_check("database")
def database_answers() -> str | None:
    db.session.execute(text("SELECT 1"))
    return None


@readiness_check("schema")
def schema_at_head() -> str | None:
    current = frozenset(MigrationContext.configure(db.session.connection()).get_current_heads())
    if current != migration_heads():
        found = ", ".join(sorted(current)) or "none"
        return f"schema at {found}, expected {', '.join(sorted(migration_heads()))}"
    return None


@readiness_check("deliveries")
def backlog_moving() -> str | None:
    """Not ready when the outbox is stuck: an event not fanned out, or a due delivery not
    claimed, for longer than BATON_BACKLOG_STUCK_AFTER seconds (no worker is running?)."""
    setting = current_app.config.get("BATON_BACKLOG_STUCK_AFTER")
    limit = float(DEFAULT_STUCK_AFTER if setting in (None, "") else setting)
    if limit <= 0:
        return None
    now = clock.utcnow()
    oldest_event = db.session.scalar(
        select(func.min(OutboxEvent.created_at)).where(OutboxEvent.fanned_out_at.is_(None))
    )
    oldest_due = db.session.scalar(
        select(func.min(Delivery.next_attempt_at)).where(
            Delivery.status == "pending", Delivery.next_attempt_at <= now
        )
    )
    waits = {
        "event waiting to be fanned out": oldest_event,
        "delivery due": oldest_due,
    }
    for what, since in waits.items():
        if since is not None and (now - since).total_seconds() > limit:
            minutes = int((now - since).total_seconds() // 60)
            return f"the oldest {what} has waited {minutes} min: is a worker running?"
    return None
