"""Chores the worker runs on a schedule between deliveries: seal the ledger, ask for digests,
report overdue requests.

Each chore runs at start and then every `interval` seconds (0 switches it off). A failing
chore is logged and tried again at its next turn; it never stops the deliveries. Chores are
safe to run in several workers at once: sealers queue on an advisory lock and seal each
transfer once; digests are one event per week whoever asks; an overdue request is reported
once (ledger.services.request_overdue).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app

from ledger.config import mail_on
from ledger.db import db
from ledger.operations import Actor

log = logging.getLogger("baton.worker")
WORKER_ACTOR = Actor(None, request_id="worker")
SEAL_WAIT = 5.0  # seconds a scheduled seal waits for open transactions (PostgreSQL)


def seal(now: datetime) -> str:
    from ledger.sealing import seal_transfers

    report = seal_transfers(now=now, actor=WORKER_ACTOR, wait=SEAL_WAIT)
    return f"sealed {report.transfers} transfers in {report.links} links"


def digests(now: datetime) -> str:
    from ledger.mail.digest import request_digests

    week, new = request_digests(now)
    return f"asked for the digests of {week}" if new else ""


def overdue(now: datetime) -> str:
    from ledger.services.request_overdue import report_overdue

    reported = report_overdue(now=now, actor=WORKER_ACTOR)
    return f"reported {reported} overdue requests" if reported else ""


@dataclass
class Chore:
    name: str
    setting: str
    default: float
    run: Callable[[datetime], str]
    wanted: Callable[[], bool] = lambda: True
    next_at: float = 0.0  # time.monotonic() of the next turn

    def interval(self) -> float:
        value = current_app.config.get(self.setting)
        return float(self.default if value in (None, "") else value)


@dataclass
class Schedule:
    chores: list[Chore] = field(
        default_factory=lambda: [
            Chore("seal", "BATON_SEAL_INTERVAL", 300, seal),
            Chore("digests", "BATON_DIGEST_INTERVAL", 3600, digests, lambda: mail_on(current_app)),
            Chore("overdue", "BATON_OVERDUE_INTERVAL", 300, overdue),
        ]
    )

    def run_due(self, now: datetime, clock: Callable[[], float] = time.monotonic) -> list[str]:
        """Run every chore whose turn has come; return the names of those that ran."""
        ran = []
        for chore in self.chores:
            interval = chore.interval()
            if interval <= 0 or clock() < chore.next_at or not chore.wanted():
                continue
            chore.next_at = clock() + interval
            try:
                said = chore.run(now)
            except Exception:
                log.exception("scheduled %s failed; next try in %s s", chore.name, interval)
            else:
                if said:
                    log.info("scheduled %s: %s", chore.name, said)
            finally:
                db.session.remove()  # no transaction or failed state outlives a chore
            ran.append(chore.name)
        return ran
