"""Database handle, engine settings and the one way to open a write transaction."""

from __future__ import annotations

import contextvars
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import DeclarativeBase

from ledger import metrics
from ledger.errors import Busy

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)

T = TypeVar("T")

SQLITE_BUSY_TIMEOUT_MS = 10_000
POSTGRES_LOCK_TIMEOUT = "10s"
ATTEMPTS = 3

# Set while write_transaction() opens its transaction, read by the SQLite begin hook.
_immediate: contextvars.ContextVar[bool] = contextvars.ContextVar("baton_immediate", default=False)


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _record) -> None:
    if type(dbapi_connection).__module__.split(".")[0] not in {"sqlite3", "pysqlite2"}:
        return
    # Take transaction control away from pysqlite so that BEGIN is ours to emit.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


@event.listens_for(Engine, "do_connect")
def _postgres_lock_timeout(dialect, _record, _cargs, cparams) -> None:
    """Bound every lock wait on PostgreSQL from the connection's start-up packet.

    Set once per connection instead of a `SET LOCAL` per write transaction: one round trip
    less on every write (issue 11), and the same bound for each transaction.
    """
    if dialect.name == "postgresql":
        option = f"-c lock_timeout={POSTGRES_LOCK_TIMEOUT}"
        cparams["options"] = f"{cparams.get('options', '')} {option}".strip()


@event.listens_for(Engine, "begin")
def _begin_sqlite(connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    connection.exec_driver_sql("BEGIN IMMEDIATE" if _immediate.get() else "BEGIN")


def _is_transient(error: DBAPIError) -> bool:
    """Tell whether retrying the whole transaction may succeed."""
    sqlstate = getattr(error.orig, "sqlstate", None)
    # Serialization failure, deadlock detected, lock wait past the lock timeout.
    if sqlstate in {"40001", "40P01", "55P03"}:
        return True
    if isinstance(error, OperationalError):
        text = str(error.orig).lower()
        return "database is locked" in text or "database is busy" in text
    return False


# SQLite result codes that say the file cannot be used right now, not that the SQL is wrong
# (Python's sqlite3 raises OperationalError for "no such table" and syntax errors as well).
SQLITE_UNAVAILABLE = ("SQLITE_CANTOPEN", "SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_IOERR",
                      "SQLITE_FULL", "SQLITE_PROTOCOL")  # fmt: skip


def is_unavailable(error: BaseException) -> bool:
    """Tell whether a database error means the database is down, restarting or out of reach."""
    if isinstance(error, PoolTimeout):
        return True  # no pooled connection came free in time
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    if not isinstance(error, OperationalError):
        return False  # integrity, data and programming errors are not the database's state
    name = getattr(error.orig, "sqlite_errorname", None)
    if name is None:
        # psycopg keeps OperationalError for the server's state (classes 08, 40, 53, 55, 57):
        # connection refused or lost, shutting down, starting up, out of connections.
        return True
    return name.startswith(SQLITE_UNAVAILABLE)


def discard_session() -> None:
    """Drop the session's failed transaction, even when the database cannot hear the rollback."""
    try:
        db.session.rollback()
    except DBAPIError:
        db.session.close()  # the connection is gone; the pool replaces it on the next checkout


@contextmanager
def _transaction() -> Iterator[None]:
    session = db.session
    token = _immediate.set(True)
    try:
        if session.get_bind().dialect.name == "postgresql" and _only_read(session()):
            # READ COMMITTED takes a fresh snapshot per statement, so a read transaction the
            # request opened (the token lookup) goes on as the write: no ROLLBACK, BEGIN and
            # second checkout (issue 11), and the rows it loaded stay loaded.
            session.connection()
        else:
            # SQLite: end a deferred read transaction so the write starts with BEGIN
            # IMMEDIATE and a fresh snapshot.
            session.rollback()
            session.connection()
    finally:
        _immediate.reset(token)
    try:
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise


def _only_read(session) -> bool:
    """Tell whether the session's open transaction (if any) only read and may go on."""
    if session.new or session.dirty or session.deleted:
        return False
    if not session.in_transaction():
        return True
    raw = session.connection().connection.dbapi_connection
    status = getattr(getattr(raw, "info", None), "transaction_status", None)
    return status is not None and status.name in {"IDLE", "INTRANS"}  # not failed, not lost


def write_transaction(work: Callable[[], T], *, attempts: int = ATTEMPTS) -> T:
    """Run `work` in one write transaction, retrying deadlocks and busy databases."""
    for attempt in range(1, attempts + 1):
        try:
            with _transaction():
                return work()
        except DBAPIError as error:
            if not _is_transient(error):
                raise
            if attempt == attempts:
                metrics.BUSY.inc()
                raise Busy() from error
            metrics.BUSY_RETRIES.inc()
            time.sleep(random.uniform(0.005, 0.05) * attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def upsert(model, values: dict, conflict: list[str], where: str | None = None):
    """Build an INSERT ... ON CONFLICT DO NOTHING for the engine in use."""
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(model).values(**values)
    return statement.on_conflict_do_nothing(
        index_elements=conflict, index_where=text(where) if where else None
    )
