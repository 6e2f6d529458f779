"""The requests insight: lead time given, on-time delivery, hand-offs, waiting, and points for
requests met versus proactive service."""

from __future__ import annotations

from datetime import timedelta

from ledger.operations import Actor
from ledger.queries.insights import insight_scope
from ledger.queries.insights.requests import request_insight
from ledger.services import award_points
from ledger.services.request_close import CloseAward, close_request
from tests.factories import NOW, make_user
from tests.requests.helpers import ask, step


def test_the_insight_tells_lead_time_on_time_relay_waiting_and_points(engine_app):
    boss = make_user(role="admin", department="Leadership")
    early = make_user(name="Early Asker", department="Sales")
    late = make_user(name="Late Asker", department="Sales")
    ann, bob = make_user(name="Ann", department="IT"), make_user(name="Bob", department="IT")
    relay = ask(early, provider=ann, due=NOW + timedelta(days=5))
    step(ann, relay, "accept", now=NOW + timedelta(hours=2))
    step(ann, relay, "handoff", to=bob, now=NOW + timedelta(hours=6))
    step(bob, relay, "deliver", now=NOW + timedelta(days=1))
    close_request(relay["id"], by=early.id, now=NOW + timedelta(days=1),
                  award=CloseAward(10, "Great relay, thank you both.", "handoff"))  # fmt: skip
    rushed = ask(late, provider=ann, due=NOW + timedelta(hours=3))
    step(ann, rushed, "accept", now=NOW + timedelta(hours=1))
    step(ann, rushed, "deliver", now=NOW + timedelta(hours=5))  # late
    given = {"giver": late.id, "now": NOW, "actor": Actor(late.id)}
    award_points(recipients=[bob.id], points=7, message="Fixed it unasked!",
                 service_kind="proactive", proactive=True, **given)  # fmt: skip
    award_points(recipients=[ann.id], points=3, message="Thanks for the help.",
                 service_kind="need", **given)  # fmt: skip

    found = request_insight(insight_scope(boss, now=NOW + timedelta(days=2)))
    assert found["requests"] == 2
    customers = [(row["user"]["name"], row["shortest_lead_time_seconds"], row["under_a_day"])
                 for row in found["lead_time_by_customer"]]  # fmt: skip
    assert customers == [("Late Asker", 3 * 3600, 1), ("Early Asker", 5 * 86400, 0)]
    average = (3 * 3600 + 5 * 86400) // 2
    assert found["lead_time_by_department"] == [
        {"department": "Sales", "requests": 2, "average_lead_time_seconds": average,
         "shortest_lead_time_seconds": 3 * 3600, "under_a_day": 1}
    ]  # fmt: skip
    providers = {row["user"]["name"]: (row["delivered"], row["on_time"], row["on_time_percent"])
                 for row in found["on_time_by_provider"]}  # fmt: skip
    assert providers == {"Bob": (1, 1, 100), "Ann": (1, 0, 0)}
    assert found["handoffs"]["average"] == 0.5 and found["handoffs"]["most"] == 1
    waits = {row["state"]: row["longest_seconds"] for row in found["waiting_by_state"]}
    assert waits["open"] == 2 * 3600 and waits["handed_off"] == 18 * 3600
    assert found["points"] == {"requests_met": 20, "proactive": 7, "other": 3}


def test_a_scope_sees_only_requests_that_involve_it(engine_app):
    lead = make_user(role="manager", department="IT")
    mine = make_user(manager=lead.email, department="IT")
    stranger, other = make_user(department="Sales"), make_user(department="Sales")
    ask(stranger, provider=other)
    ask(stranger, provider=mine)  # not yet held by anyone in scope
    held = ask(stranger, provider=mine)
    step(mine, held, "accept")
    found = request_insight(insight_scope(lead, now=NOW))
    assert found["requests"] == 1


def test_the_insight_page_and_its_api_show_the_figures(app, monkeypatch):
    from tests.api.conftest import token_for
    from tests.web.conftest import Browser

    monkeypatch.setattr("ledger.clock.utcnow", lambda: NOW + timedelta(days=1))
    boss = make_user("boss@example.com", role="manager", department="IT")
    ann = make_user(name="Ann", manager=boss.email, department="IT")
    customer = make_user(name="Cy Customer", department="Sales")
    request = ask(customer, provider=ann, due=NOW + timedelta(days=2))
    step(ann, request, "accept")
    step(ann, request, "deliver", now=NOW + timedelta(hours=3))
    browser = Browser(app.test_client())
    assert browser.login(boss.email).status_code == 302
    page = browser.html("/insights/requests")
    assert "Cy Customer" in page and "2 days" in page and "Ann" in page
    assert "/insights/requests" in browser.html("/insights/")
    token = token_for(boss, ["read", "manage"])
    found = app.test_client().get(
        "/api/v1/insights/requests", headers={"Authorization": f"Bearer {token}"}
    )
    assert found.status_code == 200
    assert found.get_json()["on_time_by_provider"][0]["on_time_percent"] == 100
