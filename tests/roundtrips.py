"""Count what an engine sends to its database: statements plus transaction boundaries.

On PostgreSQL each counts one round trip: psycopg sends BEGIN on its own before the first
statement of a transaction, and COMMIT/ROLLBACK on their own; and with `pool_pre_ping` every
checkout of a pooled connection pings the server first (the ping bypasses the statement
events, so checkouts are counted as PING). On SQLite there is no network,
but the count still says how much work a request asks of the database.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event


@contextmanager
def round_trips(engine) -> Iterator[list[str]]:
    """Record every round trip `engine` makes while the block runs, as short labels."""
    seen: list[str] = []
    postgres = engine.dialect.name == "postgresql"

    def statement(_conn, _cursor, text, *_args) -> None:
        seen.append(
            " ".join(text.split())[: 100 if not __import__("os").environ.get("RT_FULL") else 2000]
        )

    def begin(_conn) -> None:
        if postgres:  # SQLite's BEGIN IMMEDIATE is a statement the listener above sees
            seen.append("BEGIN")

    def checkout(*_args) -> None:
        if engine.pool._pre_ping:
            seen.append("PING")

    hooks = {
        "checkout": checkout,
        "before_cursor_execute": statement,
        "begin": begin,
        "commit": lambda _conn: seen.append("COMMIT"),
        "rollback": lambda _conn: seen.append("ROLLBACK"),
    }
    for name, hook in hooks.items():
        event.listen(engine, name, hook)
    try:
        yield seen
    finally:
        for name, hook in hooks.items():
            event.remove(engine, name, hook)
