"""`flask ledger worker` as a process: it delivers, and SIGTERM stops it cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ledger.delivery.endpoints import create_webhook
from tests.delivery.helpers import deliveries
from tests.delivery.receiver import start_receiver, stop_receiver
from tests.factories import ADMIN_ACTOR, NOW, make_award, make_user

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def receiver():
    running = start_receiver()
    yield running
    stop_receiver(running)


class Worker:
    """A worker process whose stderr lines are collected as they come."""

    def __init__(self, app):
        self.process = start_worker(app)
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stderr:
            self.lines.append(line)

    def started(self) -> bool:
        return any("started" in line for line in self.lines)

    def stop(self, timeout=30) -> tuple[int, str]:
        """Send SIGTERM and wait for the exit; kill the group if it hangs."""
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        finally:
            if self.process.poll() is None:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.reader.join(timeout=10)
        self.process.stderr.close()
        return self.process.returncode, "".join(self.lines)


def start_worker(app) -> subprocess.Popen:
    env = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "BATON_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "BATON_SECRET_KEY": app.config["SECRET_KEY"],
        "BATON_TIMEZONE": "UTC",
        "BATON_MAIL_NOTIFICATIONS": "0",  # as in the app under test: webhooks only
    }
    flask = Path(sys.executable).with_name("flask")
    return subprocess.Popen(
        [str(flask), "ledger", "worker", "--poll", "0.1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def wait_for(check, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


def test_sigterm_lets_the_send_in_flight_finish_and_be_recorded(app, receiver):
    receiver.delay = 1.5
    create_webhook(receiver.url, ["award.created"], now=NOW, actor=ADMIN_ACTOR)
    make_award(make_user(), [make_user()])
    running = Worker(app)
    assert wait_for(lambda: receiver.requests), "the worker never sent"
    code, err = running.stop()  # while the receiver is still answering

    assert code == 0 and "stopped" in err, err
    assert [(d.status, d.attempts, d.claim_token) for d in deliveries()] == [("delivered", 1, None)]


def test_an_idle_worker_stops_at_once_on_sigterm(app):
    running = Worker(app)
    assert wait_for(running.started), "the worker did not start"
    code, err = running.stop(timeout=10)
    assert code == 0 and "stopped" in err, err
