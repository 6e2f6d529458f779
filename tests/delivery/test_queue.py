"""The queue: fan-out once per subscriber, leases, retries with backoff, giving up after 24 h."""

import threading
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy.exc import OperationalError

from ledger.delivery import queue, register, worker
from ledger.delivery.channels import Attempt, Subscriber
from ledger.delivery.registry import unregister
from tests.delivery.helpers import deliveries
from tests.factories import NOW, make_award, make_user


@dataclass
class Recorder:
    """A channel that hears every award and answers as told."""

    name: str = "test"
    answers: list = field(default_factory=list)
    sent: list = field(default_factory=list)
    given_up: list = field(default_factory=list)

    def subscribers(self, event):
        if event.type != "award.created":
            return []
        return [Subscriber("desk:1"), Subscriber("desk:2", payload={"lang": "de"})]

    def prepare(self, delivery, event):
        return {"subscriber": delivery.subscriber}

    def send(self, job):
        self.sent.append(job)
        return self.answers.pop(0) if self.answers else Attempt(True, status_code=200)

    def gave_up(self, delivery, now):
        self.given_up.append(delivery.id)


@pytest.fixture
def recorder(engine_app):
    channel = register(Recorder())
    yield channel
    unregister(channel.name)


@pytest.fixture
def award(engine_app):
    ana, ben = make_user(name="Ana"), make_user(name="Ben")
    return make_award(ana, [ben])


def clock_at(moment):
    return lambda: moment


def test_fan_out_makes_one_delivery_per_subscriber_once(recorder, award):
    assert queue.fan_out(NOW) >= 1
    assert queue.fan_out(NOW) == 0
    found = deliveries()
    assert [(d.channel, d.subscriber, d.status) for d in found] == [
        ("test", "desk:1", "pending"),
        ("test", "desk:2", "pending"),
    ]


def test_a_worker_pass_sends_each_delivery_once_with_the_event(recorder, award):
    assert worker.work_once(clock_at(NOW)) > 0
    assert worker.work_once(clock_at(NOW + timedelta(hours=1))) == 0

    assert [job.prepared["subscriber"] for job in recorder.sent] == ["desk:1", "desk:2"]
    assert {job.event_data["id"] for job in recorder.sent} == {award["id"]}
    assert recorder.sent[1].payload == {"lang": "de"}
    assert [(d.status, d.attempts) for d in deliveries()] == [("delivered", 1), ("delivered", 1)]


def test_a_failed_send_is_retried_later_with_the_same_event_id(recorder, award):
    recorder.answers = [Attempt(False, status_code=500, response="x" * 5000), Attempt(True)]
    worker.work_once(clock_at(NOW), batch=1)
    first = deliveries()[0]
    assert (first.status, first.attempts, first.last_status_code) == ("pending", 1, 500)
    assert len(first.last_response.encode()) == queue.RESPONSE_LIMIT
    assert first.next_attempt_at >= NOW + queue.backoff(1)

    worker.work_once(clock_at(NOW), batch=1)  # the first one is not due yet: desk:2 goes
    later = first.next_attempt_at + timedelta(seconds=1)
    worker.work_once(clock_at(later), batch=1)

    retried = [job for job in recorder.sent if job.delivery_id == first.id]
    assert len(retried) == 2 and retried[0].event_uid == retried[1].event_uid
    assert deliveries()[0].status == "delivered"


def test_a_delivery_failing_for_a_day_is_given_up(recorder, award):
    recorder.answers = [Attempt(False, error="refused")] * 3
    worker.work_once(clock_at(NOW), batch=1)
    assert deliveries()[0].status == "pending"
    worker.work_once(clock_at(NOW + queue.GIVE_UP_AFTER), batch=10)

    found = deliveries()
    assert [(d.status, d.attempts, d.last_error) for d in found] == [
        ("failed", 2, "refused"),
        ("failed", 1, "refused"),
    ]
    assert sorted(recorder.given_up) == [d.id for d in found]


def test_a_permanent_refusal_gives_up_at_once(recorder, award):
    recorder.answers = [Attempt(False, error="gone", retry=False)]
    worker.work_once(clock_at(NOW), batch=1)
    assert deliveries()[0].status == "failed"


def test_a_claimed_delivery_is_not_claimed_again_until_its_lease_ends(recorder, award):
    queue.fan_out(NOW)
    claimed = queue.claim(NOW, 1)
    assert len(claimed) == 1
    again = queue.claim(NOW, 10)
    assert claimed[0].delivery_id not in [job.delivery_id for job in again]

    after_lease = queue.claim(NOW + queue.LEASE + timedelta(seconds=1), 10)
    assert claimed[0].delivery_id in [job.delivery_id for job in after_lease]
    # The first claim lapsed: its late answer is not recorded over the new owner's.
    assert queue.record(claimed[0], Attempt(True), NOW) is None


def test_backoff_doubles_up_to_two_hours():
    waits = [queue.backoff(n).total_seconds() for n in range(1, 13)]
    assert waits[:4] == [10, 20, 40, 80]
    assert max(waits) == 7200 and waits == sorted(waits)


def test_the_worker_waits_out_a_database_outage(recorder, award, monkeypatch):
    fan_out, failures = queue.fan_out, []

    def down_once(now, limit=100):
        if not failures:
            failures.append(now)
            raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))
        return fan_out(now, limit)

    stop = threading.Event()
    send = recorder.send

    def send_then_stop(job):
        answer = send(job)
        if len(recorder.sent) == 2:
            stop.set()
        return answer

    monkeypatch.setattr(queue, "fan_out", down_once)
    monkeypatch.setattr(recorder, "send", send_then_stop)
    worker.run(stop, clock=clock_at(NOW), poll=0.01)

    assert len(failures) == 1
    assert [d.status for d in deliveries()] == ["delivered", "delivered"]
