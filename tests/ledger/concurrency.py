"""Run callables side by side in threads, each in its own app context, released together."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import Flask
from sqlalchemy import text

BARRIER_TIMEOUT = 60
JOIN_TIMEOUT = 120


@dataclass
class Result:
    """What one thread's callable returned or raised."""

    value: Any = None
    error: BaseException | None = None


def run_together(
    app: Flask, calls: Sequence[Callable[[], Any]], *, timeout: float = JOIN_TIMEOUT
) -> list[Result]:
    """Call each callable in its own thread, all released by one barrier; collect results."""
    barrier = threading.Barrier(len(calls), timeout=BARRIER_TIMEOUT)
    results = [Result() for _ in calls]

    def worker(index: int, call: Callable[[], Any]) -> None:
        from ledger.db import db

        with app.app_context():
            try:
                # Open the connection before the barrier so that the release is not
                # spread out by connecting; give it back so that small pools do not starve.
                db.session.execute(text("SELECT 1"))
                db.session.rollback()
            except BaseException as error:
                barrier.abort()  # the others fail at once instead of at the timeout
                results[index].error = error
                return
            try:
                barrier.wait()
                results[index].value = call()
            except BaseException as error:  # the test inspects every outcome
                results[index].error = error

    threads = [
        threading.Thread(target=worker, args=(index, call), daemon=True)
        for index, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    stuck = sum(thread.is_alive() for thread in threads)
    if stuck:
        barrier.abort()
        raise AssertionError(f"{stuck} of {len(threads)} threads did not finish in {timeout} s")
    return results


def errors_by_type(results: Sequence[Result]) -> dict[str, int]:
    """Count the exceptions the threads raised by class name (an empty dict if none)."""
    counts: dict[str, int] = {}
    for result in results:
        if result.error is not None:
            name = type(result.error).__name__
            counts[name] = counts.get(name, 0) + 1
    return counts


def fresh_session() -> None:
    """End the test thread's transaction so that its next read sees the threads' commits."""
    from ledger.db import db

    db.session.rollback()
    db.session.expire_all()
