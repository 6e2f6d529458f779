"""The service-request API: ask, read, list, each step with its key, refusals and reach."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ledger.clock import utcnow
from tests.factories import make_user
from tests.requests.helpers import ask

NEED = {"need": "Two test laptops for the release rehearsal."}


def due_in(days: int) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


@pytest.fixture
def callers(org, as_user):
    return {name: as_user(getattr(org, name)) for name in ("admin", "boss", "ada", "bob", "cy")}


def create(caller, **body):
    response = caller.post("/api/v1/requests", {**NEED, "due_at": due_in(3), **body})
    assert response.status_code == 201, response.get_json()
    return response


def test_the_whole_relay_through_the_api(callers, org):
    cy, ada, bob = callers["cy"], callers["ada"], callers["bob"]
    response = create(cy, provider="ada@example.com")
    request = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/requests/{request['id']}")
    assert request["state"] == "open" and request["customer"]["id"] == org.cy.id
    assert request["provider"]["email"] == "ada@example.com" and request["department"] is None
    assert 2 * 86400 < request["lead_time_seconds"] <= 4 * 86400
    path = f"/api/v1/requests/{request['id']}"
    assert ada.post(f"{path}/accept").get_json()["state"] == "accepted"
    handed = ada.post(f"{path}/handoff", {"to": org.bob.id, "note": "Imaged; VPN left."})
    assert handed.status_code == 200 and handed.get_json()["holder"]["id"] == org.bob.id
    delivered = bob.post(f"{path}/deliver", {"note": "On your desk."}).get_json()
    assert delivered["on_time"] is True and delivered["delivered_at"]
    closed = cy.post(f"{path}/close").get_json()
    assert closed["state"] == "closed" and closed["award_id"] is None
    assert [person["id"] for person in closed["chain"]] == [org.ada.id, org.bob.id]
    assert [event["kind"] for event in closed["events"]] == [
        "opened", "accepted", "handed_off", "delivered", "closed"
    ]  # fmt: skip
    assert cy.get(path).get_json() == closed


def test_a_refused_step_answers_its_code_and_a_replay_answers_the_same_bytes(callers, org):
    cy, ada = callers["cy"], callers["ada"]
    path = f"/api/v1/requests/{create(cy, provider=org.ada.id).get_json()['id']}"
    early = cy.post(f"{path}/close", key="close-1")
    assert (early.status_code, early.get_json()["error"]["code"]) == (409, "request_state_conflict")
    again = cy.post(f"{path}/close", key="close-1")
    assert again.data == early.data and again.headers["Idempotent-Replayed"] == "true"
    wrong = cy.post(f"{path}/accept")
    assert (wrong.status_code, wrong.get_json()["error"]["code"]) == (403, "forbidden")
    first = ada.post(f"{path}/accept", key="acc")
    replay = ada.post(f"{path}/accept", key="acc")
    assert replay.data == first.data and replay.headers["Idempotent-Replayed"] == "true"
    reused = ada.post(f"{path}/deliver", {"note": "done"}, key="acc")
    assert reused.get_json()["error"]["code"] == "idempotency_key_reused"
    twice = ada.post(f"{path}/accept")
    assert (twice.status_code, twice.get_json()["error"]["code"]) == (409, "already_accepted")


def test_a_step_without_a_key_or_with_a_bad_body_changes_nothing(callers, org):
    cy, ada = callers["cy"], callers["ada"]
    path = f"/api/v1/requests/{create(cy, provider=org.ada.id).get_json()['id']}"
    assert ada.post(f"{path}/accept", key=None).status_code == 400
    ada.post(f"{path}/accept")
    missing = ada.post(f"{path}/handoff", {"to": org.bob.id})
    assert missing.status_code == 422
    extra = ada.post(f"{path}/deliver", {"note": "x", "delivered_at": "2020-01-01"})
    assert extra.status_code == 422
    assert cy.get(path).get_json()["state"] == "accepted"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"provider": "nobody@example.com"}, 422, "unknown_provider"),
        ({"provider": "cy@example.com"}, 422, "self_request"),
        ({"provider": 1, "department": 1}, 422, "validation_error"),
        ({}, 422, "validation_error"),
        ({"department": 99999}, 422, "validation_error"),
        ({"provider": "ada@example.com", "due_at": "2020-01-01"}, 422, "validation_error"),
    ],
)
def test_a_bad_ask_is_refused_clearly(callers, body, status, code):
    response = callers["cy"].post("/api/v1/requests", {**NEED, "due_at": due_in(2), **body})
    assert (response.status_code, response.get_json()["error"]["code"]) == (status, code)
    assert callers["cy"].get("/api/v1/requests").get_json()["items"] == []


def test_a_request_is_seen_by_its_parties_and_their_managers_not_the_company(callers, org):
    request = create(callers["cy"], provider=org.ada.id).get_json()
    path = f"/api/v1/requests/{request['id']}"
    seen = {name: caller.get(path).status_code for name, caller in callers.items()}
    # Cy asked, Ada was asked, Boss manages Ada, the admin sees all; Bob, Ada's teammate,
    # has nothing to do with it.
    assert seen == {"admin": 200, "boss": 200, "ada": 200, "bob": 404, "cy": 200}
    listed = {
        name: [item["id"] for item in caller.get("/api/v1/requests").get_json()["items"]]
        for name, caller in callers.items()
    }
    assert listed == {name: ([request["id"]] if code == 200 else []) for name, code in seen.items()}
    outsider_step = callers["bob"].post(f"{path}/accept")
    assert outsider_step.status_code == 404


def test_a_department_queue_is_seen_and_taken_by_its_members(callers, org):
    department = org.ada.department_id
    request = create(callers["cy"], department=department).get_json()
    queue = callers["bob"].get(f"/api/v1/requests?department={department}&state=open")
    assert [item["id"] for item in queue.get_json()["items"]] == [request["id"]]
    taken = callers["bob"].post(f"/api/v1/requests/{request['id']}/accept").get_json()
    assert taken["holder"]["id"] == org.bob.id
    assert (
        callers["bob"]
        .get(f"/api/v1/requests?department={department}&state=open")
        .get_json()["items"]
        == []
    )


def test_the_list_filters_by_role_state_and_overdue_and_pages(callers, org):
    now = utcnow()
    late = ask(org.cy, provider=org.ada, now=now - timedelta(days=3), due=now - timedelta(days=1))
    mine = create(callers["ada"], provider=org.cy.id).get_json()
    ada = callers["ada"]

    def ids(query: str) -> list[int]:
        return [item["id"] for item in ada.get(f"/api/v1/requests?{query}").get_json()["items"]]

    assert ids("as=customer") == [mine["id"]]
    assert ids("as=provider") == [late["id"]]
    assert ids("overdue=true") == [late["id"]]
    assert ids("overdue=false") == [mine["id"]]
    assert ids("state=open") == [mine["id"], late["id"]]
    assert ids("state=closed") == []
    first = ada.get("/api/v1/requests?limit=1").get_json()
    assert [item["id"] for item in first["items"]] == [mine["id"]]
    second = ada.get(f"/api/v1/requests?limit=1&cursor={first['next_cursor']}").get_json()
    assert [item["id"] for item in second["items"]] == [late["id"]]
    assert second["next_cursor"] is None
    assert ada.get("/api/v1/requests?as=everyone").status_code == 422


def test_the_openapi_document_links_the_steps(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    links = spec["paths"]["/api/v1/requests"]["post"]["responses"]["201"]["links"]
    assert {link["operationId"] for link in links.values()} == {
        "getRequest", "acceptRequest", "handOffRequest", "deliverRequest", "closeRequest",
        "withdrawRequest", "declineRequest",
    }  # fmt: skip
    step = spec["paths"]["/api/v1/requests/{request_id}/accept"]["post"]
    assert {"400", "403", "404", "409", "422"} <= set(step["responses"])
    assert any(p["name"] == "Idempotency-Key" for p in step.get("parameters", []))


def test_a_deactivated_provider_cannot_be_asked(callers):
    gone = make_user("gone@example.com")
    from ledger.services.directory import deactivate_user
    from tests.factories import ADMIN_ACTOR

    deactivate_user(gone.id, now=utcnow(), actor=ADMIN_ACTOR)
    response = callers["cy"].post(
        "/api/v1/requests", {**NEED, "due_at": due_in(2), "provider": "gone@example.com"}
    )
    assert response.get_json()["error"]["code"] == "unknown_provider"


def test_closing_with_an_award_pays_the_chain_and_a_refused_one_leaves_it_delivered(callers, org):
    cy, ada = callers["cy"], callers["ada"]
    path = f"/api/v1/requests/{create(cy, provider=org.ada.id).get_json()['id']}"
    ada.post(f"{path}/accept")
    ada.post(f"{path}/deliver")
    thanks = {"points": 10, "message": "Ready a day early, thank you!", "service_kind": "need"}
    too_much = cy.post(f"{path}/close", {"award": {**thanks, "points": 500}})
    assert too_much.status_code == 422
    assert too_much.get_json()["error"]["code"] == "validation_error"
    assert cy.get(path).get_json()["state"] == "delivered"
    closed = cy.post(f"{path}/close", {"award": thanks, "note": "Perfect."}).get_json()
    assert closed["state"] == "closed"
    award = cy.get(f"/api/v1/awards/{closed['award_id']}").get_json()
    assert award["request"]["id"] == closed["id"] and award["request"]["on_time"] is True
    assert [line["recipient"]["id"] for line in award["lines"]] == [org.ada.id]


def test_an_award_can_be_marked_proactive(callers, org):
    body = {"recipients": [org.bob.id], "points": 5, "message": "Fixed it before I asked!",
            "service_kind": "proactive", "proactive": True}  # fmt: skip
    award = callers["ada"].post("/api/v1/awards", body).get_json()
    assert award["proactive"] is True and award["request"] is None
    listed = callers["ada"].get("/api/v1/awards").get_json()["items"]
    assert listed[0]["proactive"] is True
