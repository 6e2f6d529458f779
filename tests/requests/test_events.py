"""Request events through the outbox: created, handed off, delivered, overdue (once each)."""

from __future__ import annotations

import json
from datetime import timedelta
from functools import partial

import pytest
from sqlalchemy import select

from ledger.db import db
from ledger.delivery.schedule import Schedule
from ledger.errors import LedgerError
from ledger.models import OutboxEvent
from ledger.services import request_overdue
from ledger.services.request_overdue import report_overdue
from tests.factories import ADMIN_ACTOR, NOW, make_user
from tests.ledger.concurrency import fresh_session, run_together
from tests.requests.helpers import ask, step


def told() -> list[tuple[str, str]]:
    fresh_session()
    rows = db.session.execute(
        select(OutboxEvent.type, OutboxEvent.object_id)
        .where(OutboxEvent.type.like("request.%"))
        .order_by(OutboxEvent.id)
    )
    return [tuple(row) for row in rows]


def test_the_relay_tells_subscribers_of_creation_hand_off_and_delivery(engine_app):
    customer, first, second = make_user(), make_user(), make_user()
    request = ask(customer, provider=first)
    step(first, request, "accept")
    with pytest.raises(LedgerError):
        step(first, request, "handoff", to=customer)  # refused: tells no one
    step(first, request, "handoff", to=second)
    step(second, request, "deliver")
    step(customer, request, "close")
    rid = str(request["id"])
    assert told() == [
        ("request.created", rid), ("request.handed_off", rid), ("request.delivered", rid)
    ]  # fmt: skip
    data = json.loads(
        db.session.scalar(select(OutboxEvent.data).where(OutboxEvent.type == "request.delivered"))
    )
    assert data["state"] == "delivered" and data["on_time"] is True


def test_an_overdue_request_is_reported_once_and_only_while_it_waits(engine_app):
    customer, provider = make_user(), make_user()
    late = ask(customer, provider=provider, due=NOW + timedelta(hours=1))
    done = ask(customer, provider=provider, due=NOW + timedelta(hours=1))
    step(provider, done, "accept")
    step(provider, done, "deliver")
    ask(customer, provider=provider, due=NOW + timedelta(days=5))  # not due yet
    later = NOW + timedelta(hours=2)
    assert report_overdue(now=later, actor=ADMIN_ACTOR) == 1
    assert report_overdue(now=later, actor=ADMIN_ACTOR) == 0
    overdue = [row for row in told() if row[0] == "request.overdue"]
    assert overdue == [("request.overdue", str(late["id"]))]
    data = json.loads(
        db.session.scalar(select(OutboxEvent.data).where(OutboxEvent.type == "request.overdue"))
    )
    assert data["overdue"] is True and data["state"] == "open"


def test_the_worker_runs_the_overdue_pass_on_its_schedule(engine_app):
    assert "overdue" in [chore.name for chore in Schedule().chores]


def race_overdue(app, requests: int = 3, threads: int = 4) -> list[tuple[str, str]]:
    customer, provider = make_user().id, make_user().id
    for _ in range(requests):
        ask(customer, provider=provider, due=NOW + timedelta(hours=1))
    later = NOW + timedelta(hours=2)
    calls = [partial(report_overdue, now=later, actor=ADMIN_ACTOR) for _ in range(threads)]
    results = run_together(app, calls)
    assert all(result.error is None for result in results), [r.error for r in results]
    return [row for row in told() if row[0] == "request.overdue"]


def test_workers_racing_the_overdue_pass_report_each_request_once(engine_app):
    reports = race_overdue(engine_app)
    assert len(reports) == len(set(reports)) == 3


def test_without_the_second_look_racing_workers_report_twice(postgres_app, monkeypatch):
    # Negative control: trust the first look (no re-check after the lock) and the race
    # reports a request more than once.
    real = request_overdue._unreported
    monkeypatch.setattr(
        request_overdue,
        "_unreported",
        lambda now, among_ids=None: among_ids if among_ids is not None else real(now),
    )
    reports = race_overdue(postgres_app, threads=6)
    assert len(reports) > len(set(reports))
