"""Sixteen concurrent requests with one key make one award, and every answer is the same bytes."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from ledger.db import db
from ledger.models import Award
from ledger.reconciliation import verify_ledger
from tests.api.conftest import award_body, token_for
from tests.factories import make_user
from tests.figures import engine, write_figure

pytestmark = pytest.mark.heavy
THREADS = 16


def burst(app, token, body, keys):
    """Send one award per key from its own thread, all released together; return the answers."""
    barrier = threading.Barrier(len(keys))
    answers = [None] * len(keys)

    def send(index, key):
        client = app.test_client()
        barrier.wait(timeout=30)
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": key}
        answers[index] = client.post("/api/v1/awards", json=body, headers=headers)

    threads = [threading.Thread(target=send, args=pair) for pair in enumerate(keys)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return answers


def awards() -> int:
    db.session.rollback()  # end this thread's read snapshot (SQLite WAL) to see the others' commits
    return db.session.scalar(select(func.count()).select_from(Award))


def test_one_key_from_sixteen_threads_makes_one_award(engine_app):
    ada, bob = make_user("ada@example.com"), make_user("bob@example.com")
    token = token_for(ada, ["award"])
    answers = burst(engine_app, token, award_body(bob.id), ["same"] * THREADS)
    effects, bodies = awards(), len({answer.data for answer in answers})
    write_figure(f"idempotency-{engine()}", violations=(effects != 1) + (bodies != 1),
                 threads=THREADS, keys=1)  # fmt: skip
    assert {answer.status_code for answer in answers} == {201}, [a.json for a in answers]
    assert len({answer.data for answer in answers}) == 1
    assert sum("Idempotent-Replayed" not in answer.headers for answer in answers) == 1
    assert awards() == 1
    assert verify_ledger()["ok"]


def test_the_race_check_counts_every_distinct_key(engine_app):
    # Negative control: with a key per request the same burst makes sixteen awards.
    ada, bob = make_user("ada@example.com"), make_user("bob@example.com")
    token = token_for(ada, ["award"])
    keys = [f"key-{n}" for n in range(THREADS)]
    answers = burst(engine_app, token, award_body(bob.id, points=1), keys)
    assert {answer.status_code for answer in answers} == {201}
    assert awards() == THREADS
