"""The one clock the adapters pass to services; tests and seed-demo pass their own `now`."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
