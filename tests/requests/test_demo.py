"""The demo organisation tells the request story: asked with three days' notice, handed on
once, delivered on time, closed with an award to both providers."""

from __future__ import annotations

from ledger.demo import demo_email, seed_demo
from ledger.queries.feed import award_by_id
from ledger.queries.people import user_by_email
from ledger.queries.request_list import RequestFilter, list_requests
from ledger.reconciliation import verify_ledger
from tests.factories import NOW


def test_the_demo_relay_is_closed_with_an_award_to_both_providers(app):
    result = seed_demo(now=NOW)
    assert result["requests"] == 4
    admin = user_by_email(demo_email("Maya Lindqvist"))
    every = list_requests(admin, RequestFilter(), now=NOW)
    closed = [item for item in every if item["state"] == "closed"]
    assert len(closed) == 1
    relay = closed[0]
    assert relay["lead_time_seconds"] == 3 * 86400 and relay["on_time"] is True
    assert [person["name"] for person in relay["chain"]] == ["Sofia Rossi", "Daniel Cohen"]
    assert [event["kind"] for event in relay["events"]].count("handed_off") == 1
    award = award_by_id(relay["award_id"])
    assert {line["recipient"]["name"] for line in award["lines"]} == {"Sofia Rossi", "Daniel Cohen"}
    assert award["request"]["on_time"] is True
    assert sum(item["overdue"] for item in every) == 1
    assert verify_ledger()["ok"]
