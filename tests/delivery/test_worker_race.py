"""Two workers on PostgreSQL share the queue and never send one delivery twice."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest

from ledger.db import db, write_transaction
from ledger.delivery import queue, worker
from ledger.delivery.endpoints import create_webhook
from ledger.outbox import Event, append
from tests.delivery.helpers import deliveries
from tests.delivery.receiver import start_receiver, stop_receiver
from tests.factories import ADMIN_ACTOR, NOW

pytestmark = [pytest.mark.postgres, pytest.mark.heavy]
DELIVERIES = 60
WORKERS = 2


@pytest.fixture
def receiver():
    running = start_receiver()
    running.delay = 0.01  # a real endpoint takes a moment: the window a naive claim loses
    yield running
    stop_receiver(running)


@pytest.fixture
def queued(postgres_app, receiver):
    create_webhook(receiver.url, ["award.created"], now=NOW, actor=ADMIN_ACTOR)
    events = [Event("award.created", {"n": n}, "award", n) for n in range(DELIVERIES)]
    write_transaction(lambda: append(events, now=NOW))
    queue.fan_out(NOW, limit=DELIVERIES)
    assert len(deliveries()) == DELIVERIES
    return postgres_app


def race(app, receiver) -> tuple[Counter, Counter]:
    """Run two workers until every delivery is recorded; count sends per id and per worker."""
    stop, start = threading.Event(), threading.Barrier(WORKERS, timeout=30)
    senders: Counter = Counter()
    send = worker.send

    def counting_send(job):
        senders[threading.current_thread().name] += 1
        return send(job)

    def run():
        with app.app_context():
            start.wait()
            worker.run(stop, batch=3, poll=0.05)
            db.session.remove()

    threads = [threading.Thread(target=run, name=f"worker-{n}") for n in range(WORKERS)]
    worker.send = counting_send
    try:
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if all(d.status != "pending" for d in deliveries()):
                break
            time.sleep(0.1)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        worker.send = send
    return Counter(r.headers["webhook-id"] for r in receiver.requests), senders


def test_two_workers_never_send_one_delivery_twice(queued, receiver):
    per_id, per_worker = race(queued, receiver)

    assert len(per_id) == DELIVERIES
    assert max(per_id.values()) == 1, per_id.most_common(3)
    assert all(d.status == "delivered" and d.attempts == 1 for d in deliveries())
    assert len(per_worker) == WORKERS, "both workers should have taken a share"


def test_a_claim_without_locks_or_lease_sends_twice(queued, receiver, monkeypatch):
    """Negative control: read due rows without SKIP LOCKED or a lease, as a naive worker does."""

    def naive_claim(now, limit=10, **_):
        def work():
            ids = [
                d.id for d in deliveries() if d.status == "pending" and d.next_attempt_at <= now
            ][:limit]
            return queue.jobs(ids, None)

        return write_transaction(work)

    monkeypatch.setattr(queue, "claim", naive_claim)
    per_id, _ = race(queued, receiver)

    assert len(per_id) == DELIVERIES
    assert max(per_id.values()) > 1, "the naive claim should have sent something twice"
