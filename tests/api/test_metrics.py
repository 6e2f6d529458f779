"""Prometheus counts what happened: awards and refusals by code, replays, retries, latency."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY
from sqlalchemy.exc import OperationalError

from ledger.db import write_transaction
from ledger.errors import Busy
from tests.api.conftest import award_body

AWARDS = "/api/v1/awards"


def sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


class Delta:
    """Read a sample now and tell later how much it grew."""

    def __init__(self, name: str, **labels) -> None:
        self.name, self.labels = name, labels
        self.start = sample(name, **labels)

    @property
    def grew(self) -> float:
        return sample(self.name, **self.labels) - self.start


def test_an_award_a_refusal_and_a_replay_are_each_counted_once(org, as_user):
    ada = as_user(org.ada)
    given = Delta("baton_operations_total", kind="award", outcome="ok")
    refused = Delta("baton_operations_total", kind="award", outcome="insufficient_allowance")
    replays = Delta("baton_idempotent_replays_total", kind="award")
    assert (
        ada.post(AWARDS, award_body(org.bob.id, org.cy.id, points=50), key="m-1").status_code == 201
    )
    assert (
        ada.post(AWARDS, award_body(org.bob.id, org.cy.id, points=50), key="m-1").status_code == 201
    )
    assert ada.post(AWARDS, award_body(org.bob.id, points=1), key="m-2").status_code == 422
    assert ada.post(AWARDS, award_body(org.bob.id, points=1), key="m-2").status_code == 422
    assert (given.grew, refused.grew, replays.grew) == (1, 1, 2)


def test_request_latency_is_observed_per_endpoint_and_status(org, as_user):
    answered = Delta(
        "baton_http_request_duration_seconds_count",
        endpoint="Awards.Awards",
        method="POST",
        status="201",
    )
    unknown = Delta(
        "baton_http_request_duration_seconds_count",
        endpoint="unmatched",
        method="GET",
        status="404",
    )
    as_user(org.ada).post(AWARDS, award_body(org.bob.id))
    as_user(org.ada).get("/api/v1/no-such-thing")
    as_user(org.ada).get("/no/such/page")
    assert (answered.grew, unknown.grew) == (1, 2)


def locked() -> OperationalError:
    return OperationalError("BEGIN IMMEDIATE", {}, Exception("database is locked"))


def test_busy_retries_and_give_ups_are_counted(app):
    retries = Delta("baton_busy_retries_total")
    given_up = Delta("baton_busy_total")
    attempts = iter([locked(), None])

    def work_once_locked():
        error = next(attempts)
        if error:
            raise error
        return "done"

    assert write_transaction(work_once_locked) == "done"
    assert (retries.grew, given_up.grew) == (1, 0)

    def always_locked():
        raise locked()

    with pytest.raises(Busy):
        write_transaction(always_locked)
    assert (retries.grew, given_up.grew) == (3, 1)


def test_metrics_are_served_in_the_prometheus_text_format(client):
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert "# TYPE baton_http_request_duration_seconds histogram" in text
    assert "# TYPE baton_operations_total counter" in text
