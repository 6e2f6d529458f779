"""Awards posted to a Slack channel through an incoming webhook, by the worker."""

import json

import pytest

from ledger.delivery import queue, worker
from ledger.delivery.slack import award_text
from tests.delivery.helpers import deliveries
from tests.delivery.receiver import start_receiver, stop_receiver
from tests.factories import NOW, make_award, make_user


@pytest.fixture
def receiver():
    running = start_receiver()
    yield running
    stop_receiver(running)


@pytest.fixture
def slack(app, receiver):
    app.config["BATON_SLACK_WEBHOOK_URL"] = receiver.url
    return receiver


def at(moment):
    return lambda: moment


def slack_deliveries():
    return [d for d in deliveries() if d.channel == "slack"]


def test_an_award_is_posted_once_to_the_channel(slack):
    giver, ann, bob = make_user(name="Kwame"), make_user(name="Ann"), make_user(name="Bob")
    make_award(giver, [ann, bob], kind="handoff", message="thanks for the <clean> hand-off & more")

    worker.work_once(at(NOW))
    worker.work_once(at(NOW))  # nothing new: no second post

    assert len(slack.requests) == 1
    request = slack.requests[0]
    assert request.headers["Content-Type"] == "application/json"
    text = json.loads(request.body)["text"]
    assert text == (
        "*Kwame* thanked Ann and Bob (+10 each, #handoff): "
        "thanks for the &lt;clean&gt; hand-off &amp; more"
    )
    assert [d.status for d in slack_deliveries()] == ["delivered"]


def test_nothing_is_posted_without_the_setting(app, receiver):
    make_award(make_user(), [make_user()])
    worker.work_once(at(NOW))
    assert receiver.requests == [] and slack_deliveries() == []


def test_a_failed_post_is_retried_with_backoff_then_given_up(slack):
    slack.answers = [(500, b"rollup_error", {})] * 3
    make_award(make_user(), [make_user()])

    worker.work_once(at(NOW))
    first = slack_deliveries()[0]
    assert (first.status, first.attempts, first.last_status_code) == ("pending", 1, 500)
    assert first.next_attempt_at >= NOW + queue.FIRST_RETRY
    worker.work_once(at(NOW + queue.FIRST_RETRY / 2))  # not due yet: no request
    assert len(slack.requests) == 1

    worker.work_once(at(NOW + queue.GIVE_UP_AFTER))
    assert slack_deliveries()[0].status == "failed"
    assert len(slack.requests) == 2
    # The URL is Slack's credential: it never reaches the stored error.
    assert slack.url not in (slack_deliveries()[0].last_error or "")


def test_a_later_success_delivers(slack):
    slack.answers = [(503, b"", {})]
    make_award(make_user(), [make_user()])
    worker.work_once(at(NOW))
    worker.work_once(at(NOW + queue.backoff(1) * 1.3))
    assert [d.status for d in slack_deliveries()] == ["delivered"]
    assert len(slack.requests) == 2


def test_a_removed_channel_is_not_retried(slack):
    slack.answers = [(404, b"no_service", {})]
    make_award(make_user(), [make_user()])
    worker.work_once(at(NOW))
    stored = slack_deliveries()[0]
    assert (stored.status, stored.attempts, stored.last_response) == ("failed", 1, "no_service")


def test_no_network_call_happens_inside_the_award(slack):
    # The award commits without touching Slack; only the worker posts.
    make_award(make_user(), [make_user()])
    assert slack.requests == [] and deliveries() == []


def test_production_refuses_a_private_slack_url(app, slack):
    app.config["BATON_ENV"] = "production"
    make_award(make_user(), [make_user()])
    worker.work_once(at(NOW))
    stored = slack_deliveries()[0]
    assert stored.status == "failed" and slack.requests == []
    assert "https" in stored.last_error


def test_the_line_for_one_recipient():
    award = {
        "giver": {"name": "Kwame"},
        "lines": [{"recipient": {"name": "Ann"}, "points": 5}],
        "message": "x" * 600,
        "service_kind": "need",
    }
    text = award_text(award)
    assert text.startswith("*Kwame* thanked Ann (+5, #need): ") and text.endswith("…")
    assert len(text) < 560
