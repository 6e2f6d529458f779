"""Webhooks end to end: signed by the spec, verified by the `standardwebhooks` library."""

import json

import pytest
from standardwebhooks.webhooks import Webhook as Verifier
from standardwebhooks.webhooks import WebhookVerificationError

from ledger.db import db
from ledger.delivery import queue, safety, worker
from ledger.delivery.endpoints import create_webhook, retry_delivery, webhook_by_id
from ledger.delivery.secrets import seal, unseal
from ledger.errors import ValidationFailed
from ledger.models import Webhook
from tests.delivery.helpers import deliveries, events
from tests.delivery.receiver import start_receiver, stop_receiver
from tests.factories import ADMIN_ACTOR, NOW, make_award, make_user


@pytest.fixture
def receiver():
    running = start_receiver()
    yield running
    stop_receiver(running)


@pytest.fixture
def pair(app):
    return make_user(name="Ana"), make_user(name="Ben")


def at(moment):
    return lambda: moment


def subscribe(url, events=("award.created",)):
    return create_webhook(url, list(events), description="Test", now=NOW, actor=ADMIN_ACTOR)


def test_a_delivery_is_verified_by_the_standard_webhooks_library(receiver, pair):
    hook = subscribe(receiver.url)
    award = make_award(*[pair[0]], [pair[1]])

    worker.work_once(at(NOW))

    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    payload = Verifier(hook["secret"]).verify(request.body, request.headers)
    assert payload["type"] == "award.created"
    assert payload["data"] == award
    assert payload["timestamp"] == award["created_at"]
    assert request.headers["webhook-id"] == events("award.created")[0].uid
    assert request.headers["webhook-signature"].startswith("v1,")
    # A wrong secret or an edited body fails the same check (the check can fail).
    with pytest.raises(WebhookVerificationError):
        Verifier(hook["secret"]).verify(request.body.replace(b"award", b"awarx"), request.headers)
    other = subscribe(receiver.url)["secret"]
    with pytest.raises(WebhookVerificationError):
        Verifier(other).verify(request.body, request.headers)
    assert deliveries()[0].status == "delivered"


def test_the_secret_is_whsec_base64_shown_once_and_sealed_at_rest(pair):
    hook = subscribe("https://hooks.example.com/baton")
    assert hook["secret"].startswith("whsec_") and len(hook["secret"]) > 40
    assert "secret" not in webhook_by_id(hook["id"])
    stored = db.session.get(Webhook, hook["id"]).secret
    assert hook["secret"] not in stored and hook["secret"][6:] not in stored
    assert unseal(stored) == hook["secret"]
    assert unseal(seal("whsec_abc")) == "whsec_abc"


def test_retries_keep_the_webhook_id_and_a_later_success_delivers(receiver, pair):
    receiver.answers = [(500, b"boom" * 600, {}), (302, b"", {"Location": "http://x/"})]
    subscribe(receiver.url)
    make_award(pair[0], [pair[1]])

    worker.work_once(at(NOW))
    first = deliveries()[0]
    assert (first.status, first.last_status_code) == ("pending", 500)
    assert len(first.last_response.encode()) <= 1024
    worker.work_once(at(first.next_attempt_at))
    second = deliveries()[0]
    assert (second.status, second.last_status_code) == ("pending", 302)
    worker.work_once(at(second.next_attempt_at))

    ids = {request.headers["webhook-id"] for request in receiver.requests}
    assert len(receiver.requests) == 3 and len(ids) == 1
    assert [r.path for r in receiver.requests] == ["/hooks/baton"] * 3  # redirect not followed
    assert deliveries()[0].status == "delivered"


def test_only_subscribed_events_are_sent(receiver, pair):
    subscribe(receiver.url, events=["user.created"])
    make_award(pair[0], [pair[1]])
    make_user(name="Cy")
    worker.work_once(at(NOW))
    told = [json.loads(r.body) for r in receiver.requests]
    assert {body["type"] for body in told} == {"user.created"}
    assert told[-1]["data"]["name"] == "Cy"


def test_an_endpoint_failing_for_a_day_is_disabled_and_its_owner_told(receiver, pair):
    receiver.answers = [(500, b"", {})] * 10
    hook = subscribe(receiver.url)
    make_award(pair[0], [pair[1]])

    worker.work_once(at(NOW))
    worker.work_once(at(NOW + queue.GIVE_UP_AFTER))

    assert deliveries()[0].status == "failed"
    stored = webhook_by_id(hook["id"])
    assert stored["active"] is False and "failed for a day" in stored["disabled_reason"]
    assert len(events("webhook.disabled")) == 1

    # A manual retry switches it back on and sends the same event again.
    receiver.answers = []
    retried = retry_delivery(hook["id"], deliveries()[0].id, now=NOW, actor=ADMIN_ACTOR)
    assert retried["status"] == "pending"
    worker.work_once(at(NOW + queue.GIVE_UP_AFTER))
    assert webhook_by_id(hook["id"])["active"] is True
    assert len({r.headers["webhook-id"] for r in receiver.requests}) == 1
    assert deliveries()[0].status == "delivered"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "https://10.1.2.3/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://localhost/hook",
        "https://192.168.0.10/hook",
    ],
)
def test_production_refuses_inside_addresses_when_an_endpoint_is_created(url):
    with pytest.raises(ValidationFailed):
        safety.check_url(url, safety.Policy(https_only=True, allow_private=False))


def test_production_refuses_plain_http_and_odd_urls():
    rules = safety.Policy(https_only=True, allow_private=False)
    for url in ["http://hooks.example.com/", "ftp://x.example.com/", "https://u:p@x.example.com/",
                "https://", "https://x.example.com/#frag", "x" * 3000]:  # fmt: skip
        with pytest.raises(ValidationFailed):
            safety.check_url(url, rules)
    assert safety.check_url(" https://x.example.com/h ", rules) == "https://x.example.com/h"


def test_a_host_that_now_resolves_inside_is_refused_at_delivery(monkeypatch, receiver, pair):
    subscribe("https://hooks.example.com/baton")
    make_award(pair[0], [pair[1]])
    monkeypatch.setattr(
        safety.socket,
        "getaddrinfo",
        lambda host, port, **kw: [
            (2, 1, 6, "", ("10.0.0.7", port)),
            (2, 1, 6, "", ("8.8.8.8", port)),
        ],
    )
    monkeypatch.setattr(safety, "policy", lambda: safety.Policy(True, False))
    worker.work_once(at(NOW))

    delivery = deliveries()[0]
    assert delivery.status == "pending" and "inside the network" in delivery.last_error
    assert receiver.requests == []


def test_the_private_address_check_can_fail():
    """Negative control: with private addresses allowed, the same check lets them through."""
    rules = safety.Policy(https_only=False, allow_private=True)
    assert safety.check_url("http://127.0.0.1:8080/hook", rules)
    assert safety.is_inside("127.0.0.1") and not safety.is_inside("8.8.8.8")


def test_production_defaults_to_refusing_private_addresses(app):
    app.config["BATON_ENV"] = "production"
    assert safety.policy() == safety.Policy(https_only=True, allow_private=False)
    app.config["BATON_WEBHOOK_ALLOW_PRIVATE"] = "1"
    assert safety.policy().allow_private is True
    app.config["BATON_ENV"] = "development"
    app.config["BATON_WEBHOOK_ALLOW_PRIVATE"] = "0"
    assert safety.policy() == safety.Policy(https_only=False, allow_private=False)


def test_a_slow_endpoint_times_out(monkeypatch, receiver, pair):
    from ledger.delivery import outbound

    monkeypatch.setattr(outbound, "TIMEOUT", outbound.urllib3.Timeout(connect=1, read=0.2))
    receiver.delay = 1.0
    subscribe(receiver.url)
    make_award(pair[0], [pair[1]])
    worker.work_once(at(NOW))
    delivery = deliveries()[0]
    assert delivery.status == "pending" and "ReadTimeout" in delivery.last_error
