"""The webhooks API: admins subscribe endpoints, read deliveries and retry them."""

import pytest
from standardwebhooks.webhooks import Webhook as Verifier

from ledger.delivery import worker
from tests.api.conftest import award_body
from tests.delivery.receiver import start_receiver, stop_receiver
from tests.factories import NOW


@pytest.fixture
def receiver():
    running = start_receiver()
    yield running
    stop_receiver(running)


@pytest.fixture
def admin(org, as_user):
    return as_user(org.admin, ["read", "award", "admin"])


def test_an_admin_subscribes_and_the_secret_is_shown_once(admin):
    created = admin.post(
        "/api/v1/webhooks",
        json={"url": "https://hooks.example.com/baton", "events": ["award.created"]},
        key=None,
    )
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["secret"].startswith("whsec_")
    assert body["active"] is True and body["events"] == ["award.created"]
    assert created.headers["Location"].endswith(f"/api/v1/webhooks/{body['id']}")

    listed = admin.get("/api/v1/webhooks").get_json()["items"]
    assert [hook["id"] for hook in listed] == [body["id"]]
    assert "secret" not in listed[0]
    assert "secret" not in admin.get(f"/api/v1/webhooks/{body['id']}").get_json()


@pytest.mark.parametrize(
    "payload",
    [
        {"url": "https://hooks.example.com/", "events": []},
        {"url": "https://hooks.example.com/", "events": ["award.exploded"]},
        {"url": "ftp://hooks.example.com/", "events": ["award.created"]},
        {"url": "https://hooks.example.com/", "events": ["award.created"], "secret": "x"},
        {"events": ["award.created"]},
    ],
)
def test_a_bad_subscription_is_refused_and_nothing_is_stored(admin, payload):
    answer = admin.post("/api/v1/webhooks", json=payload, key=None)
    assert answer.status_code == 422
    assert answer.get_json()["error"]["code"] == "validation_error"
    assert admin.get("/api/v1/webhooks").get_json()["items"] == []


def test_production_refuses_an_inside_address(admin, app):
    app.config["BATON_ENV"] = "production"
    for url in ["https://127.0.0.1/hook", "https://10.0.0.1/", "http://hooks.example.com/"]:
        answer = admin.post("/api/v1/webhooks", json={"url": url, "events": ["user.created"]})
        assert answer.status_code == 422, url
        assert answer.get_json()["error"]["details"]["field"] == "url"


def test_deliveries_are_listed_retried_and_verified(admin, org, as_user, receiver):
    hook = admin.post(
        "/api/v1/webhooks", json={"url": receiver.url, "events": ["award.created"]}
    ).get_json()
    giver = as_user(org.ada)
    award = giver.post("/api/v1/awards", json=award_body(org.bob.id)).get_json()
    receiver.answers = [(500, b"not now", {})]
    worker.work_once(lambda: NOW.replace(year=2099))

    page = admin.get(f"/api/v1/webhooks/{hook['id']}/deliveries").get_json()
    [delivery] = page["items"]
    assert delivery["status"] == "pending" and delivery["attempts"] == 1
    assert (delivery["last_status_code"], delivery["last_response"]) == (500, "not now")
    assert delivery["next_attempt_at"] is not None

    retried = admin.post(f"/api/v1/webhooks/{hook['id']}/deliveries/{delivery['id']}/retry")
    assert retried.status_code == 202 and retried.get_json()["status"] == "pending"
    worker.work_once(lambda: NOW.replace(year=2099))

    done = admin.get(f"/api/v1/webhooks/{hook['id']}/deliveries").get_json()["items"][0]
    assert done["status"] == "delivered" and done["attempts"] == 2
    ids = {request.headers["webhook-id"] for request in receiver.requests}
    assert ids == {delivery["event_id"]}
    event = Verifier(hook["secret"]).verify(
        receiver.requests[-1].body, receiver.requests[-1].headers
    )
    assert event["data"] == award


def test_deliveries_page_with_a_cursor(admin, org, as_user):
    hook = admin.post(
        "/api/v1/webhooks", json={"url": "https://hooks.example.com/", "events": ["user.created"]}
    ).get_json()
    for number in range(3):
        admin.post(
            "/api/v1/users", json={"email": f"new{number}@example.com", "name": f"New {number}"}
        )
    from ledger.delivery import queue

    queue.fan_out(NOW.replace(year=2099))
    first = admin.get(f"/api/v1/webhooks/{hook['id']}/deliveries?limit=2").get_json()
    second = admin.get(
        f"/api/v1/webhooks/{hook['id']}/deliveries?limit=2&cursor={first['next_cursor']}"
    ).get_json()
    ids = [d["id"] for d in first["items"] + second["items"]]
    assert len(ids) == 3 and ids == sorted(ids, reverse=True) and second["next_cursor"] is None


def test_a_deleted_webhook_is_gone(admin):
    hook = admin.post(
        "/api/v1/webhooks", json={"url": "https://hooks.example.com/", "events": ["user.created"]}
    ).get_json()
    assert (
        admin.client.delete(f"/api/v1/webhooks/{hook['id']}", headers=admin.headers()).status_code
        == 204
    )
    assert admin.get(f"/api/v1/webhooks/{hook['id']}").status_code == 404
    again = admin.client.delete(f"/api/v1/webhooks/{hook['id']}", headers=admin.headers())
    assert again.status_code == 204  # DELETE is idempotent
    assert admin.client.delete("/api/v1/webhooks/999", headers=admin.headers()).status_code == 404
    assert admin.get(f"/api/v1/webhooks/{hook['id']}/deliveries").status_code == 404
    assert admin.get("/api/v1/webhooks").get_json()["items"] == []


def test_webhooks_need_the_admin_scope(org, as_user):
    for caller in [as_user(org.admin, ["read"]), as_user(org.ada, ["read", "award"])]:
        assert caller.get("/api/v1/webhooks").status_code == 403
        answer = caller.post(
            "/api/v1/webhooks", json={"url": "https://h.example.com/", "events": ["user.created"]}
        )
        assert answer.status_code == 403
