"""The worker loop: fan out, claim, send outside any transaction, record; stop when asked."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.exc import DBAPIError

from ledger.clock import utcnow
from ledger.db import db
from ledger.delivery import queue
from ledger.delivery.channels import Attempt, Job
from ledger.delivery.registry import channel
from ledger.delivery.schedule import Schedule
from ledger.errors import Busy

log = logging.getLogger("baton.worker")
MAX_OUTAGE_WAIT = 30.0


def work_once(clock: Callable[[], datetime] = utcnow, *, batch: int = 10, stop=None) -> int:
    """Fan out new events and send one batch of due deliveries; return how much was done."""
    done = queue.fan_out(clock())
    claimed = queue.claim(clock(), batch)
    for index, job in enumerate(claimed):
        if stop is not None and stop.is_set():
            queue.release(claimed[index:], clock())
            break
        attempt = send(job)
        status = queue.record(job, attempt, clock())
        log.info(
            "delivery %s (%s %s, attempt %s): %s",
            job.delivery_id,
            job.channel,
            job.event_type,
            job.attempt,
            status or "claim lapsed",
        )
    # End the session's transaction so that no snapshot or lock outlives the batch.
    db.session.remove()
    return done + len(claimed)


def send(job: Job) -> Attempt:
    """Send one job through its channel; a channel's bug fails the attempt, not the worker."""
    kind = channel(job.channel)
    if kind is None:
        return Attempt(False, error=f"no channel {job.channel!r} in this worker")
    try:
        return kind.send(job)
    except Exception as error:
        log.exception("channel %s failed on delivery %s", job.channel, job.delivery_id)
        return Attempt(False, error=f"{type(error).__name__}: {error}")


def run(
    stop: threading.Event,
    *,
    clock: Callable[[], datetime] = utcnow,
    batch: int = 10,
    poll: float = 1.0,
) -> None:
    """Deliver until `stop` is set; sleep `poll` seconds whenever there is nothing to do.

    Between batches the worker runs its scheduled chores (sealing, digests).
    """
    outage = 0
    chores = Schedule()
    while not stop.is_set():
        try:
            chores.run_due(clock())
            done = work_once(clock, batch=batch, stop=stop)
        except (DBAPIError, Busy) as error:
            # The database is down or busy: wait and try again rather than exit, so a
            # restart of PostgreSQL does not need a restart of every worker.
            outage += 1
            log.warning("database unavailable (%s); retrying", type(error).__name__)
            db.session.remove()
            stop.wait(min(poll * 2**outage, MAX_OUTAGE_WAIT))
            continue
        outage = 0
        if not done:
            stop.wait(poll)
