"""What the worker does besides delivering: seal on a schedule, and /readyz on a stuck backlog."""

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ledger import clock
from ledger.db import db
from ledger.delivery import queue, worker
from ledger.delivery.endpoints import create_webhook
from ledger.models import Transfer
from ledger.sealing import chain_head
from tests.factories import ADMIN_ACTOR, NOW, make_award, make_user

WAIT = 20.0  # seconds at most for the worker thread to seal


def sealed_up_to_last_transfer() -> bool:
    head = chain_head()
    last = db.session.scalar(select(func.max(Transfer.id)))
    db.session.rollback()
    return head is not None and head.last_id == last


def wait_until(condition, timeout=WAIT) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def running_worker(app):
    """The worker's loop in a thread with its own app context; stopped at the end."""
    stop = threading.Event()

    def loop():
        with app.app_context():
            worker.run(stop, poll=0.05)
            db.session.remove()

    thread = threading.Thread(target=loop, daemon=True)
    yield thread.start
    stop.set()
    thread.join(timeout=WAIT)
    assert not thread.is_alive()


def test_the_worker_seals_new_transfers_on_its_interval(app, running_worker):
    app.config["BATON_SEAL_INTERVAL"] = "0.2"
    giver, taker = make_user(), make_user()
    make_award(giver, [taker])
    assert not sealed_up_to_last_transfer()
    running_worker()
    assert wait_until(sealed_up_to_last_transfer)
    first = chain_head().number
    db.session.rollback()

    make_award(giver, [taker], now=NOW + timedelta(minutes=1))  # more transfers, later
    assert wait_until(sealed_up_to_last_transfer)
    assert chain_head().number > first


def test_a_seal_interval_of_zero_seals_nothing(app, running_worker):
    app.config["BATON_SEAL_INTERVAL"] = "0"
    make_award(make_user(), [make_user()])
    running_worker()
    time.sleep(0.5)  # several worker turns (poll 0.05 s); not an assertion on time
    assert chain_head() is None


def readyz(client):
    response = client.get("/readyz")
    return response.status_code, response.get_json()["checks"]["deliveries"]


@pytest.fixture
def at_time(monkeypatch):
    def move(moment):
        monkeypatch.setattr(clock, "utcnow", lambda: moment)

    return move


def test_readyz_reports_an_event_no_worker_fanned_out(app, client, at_time):
    make_award(make_user(), [make_user()])  # its event is written at NOW
    at_time(NOW + timedelta(minutes=9))
    assert readyz(client) == (200, "ok")
    at_time(NOW + timedelta(minutes=11))
    status, reason = readyz(client)
    assert status == 503
    assert reason.startswith("the oldest event waiting to be fanned out has waited 11 min")

    worker.work_once(lambda: NOW + timedelta(minutes=11))  # a worker catches up
    assert readyz(client) == (200, "ok")


def test_readyz_reports_a_due_delivery_no_worker_claimed(app, client, at_time):
    create_webhook("https://hooks.example.com/x", ["award.created"], now=NOW, actor=ADMIN_ACTOR)
    make_award(make_user(), [make_user()])
    queue.fan_out(NOW)  # fanned out, but never claimed
    at_time(NOW + timedelta(minutes=30))
    status, reason = readyz(client)
    assert status == 503 and reason.startswith("the oldest delivery due has waited 30 min")

    app.config["BATON_BACKLOG_STUCK_AFTER"] = "3600"
    assert readyz(client) == (200, "ok")
    app.config["BATON_BACKLOG_STUCK_AFTER"] = "0"  # off
    at_time(NOW + timedelta(days=3))
    assert readyz(client) == (200, "ok")
