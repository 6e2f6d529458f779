"""Sealing while awards race: every link holds, and in the end every transfer is sealed once."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from ledger.db import db
from ledger.models import Transfer, TransferSeal
from ledger.operations import Actor
from ledger.reconciliation import verify_ledger
from ledger.sealing import seal_transfers
from ledger.services import award_points
from tests.factories import ADMIN_ACTOR, make_user
from tests.ledger.concurrency import errors_by_type, fresh_session, run_together

pytestmark = pytest.mark.heavy

GIVERS = 8
AWARDS_EACH = 6


def test_links_sealed_while_awards_race_all_verify(engine_app, now):
    givers = [make_user(password=None).id for _ in range(GIVERS)]
    recipients = [make_user(password=None).id for _ in range(3)]
    done = threading.Event()
    links: list[int] = []

    def give(giver):
        for number in range(AWARDS_EACH):
            award_points(giver=giver, recipients=[recipients[number % 3]], points=1,
                         message="Thanks for covering the on-call shift.", service_kind="need",
                         now=now, actor=Actor(giver))  # fmt: skip
        return "given"

    def givers_then_stop(giver):
        try:
            return give(giver)
        finally:
            with lock:
                finished.append(giver)
                if len(finished) == GIVERS:
                    done.set()  # the sealer stops after the last giver

    def sealer():
        while not done.is_set():
            links.append(seal_transfers(now=now, actor=ADMIN_ACTOR, wait=30).links)
        return "sealed"

    finished: list[int] = []
    lock = threading.Lock()
    calls = [lambda g=g: givers_then_stop(g) for g in givers] + [sealer]
    results = run_together(engine_app, calls, timeout=300)
    assert errors_by_type(results) == {}
    fresh_session()
    seal_transfers(now=now, actor=ADMIN_ACTOR, wait=30)
    report = verify_ledger()
    assert report["ok"], report["problems"][:5]
    sealed = db.session.scalar(select(func.sum(TransferSeal.transfer_count)))
    assert sealed == db.session.scalar(select(func.count()).select_from(Transfer))
    print(f"links made during the race: {sum(links)}; transfers sealed: {sealed}")
