"""An endpoint the worker disables tells its owner: an in-app notice now, a mail by the worker."""

import json

import pytest
from sqlalchemy import select

from ledger.db import db
from ledger.delivery import queue, worker
from ledger.delivery.endpoints import create_webhook, list_webhooks
from ledger.models import Notification
from ledger.operations import Actor
from ledger.preferences import change_settings
from ledger.queries.notifications import notifications_for
from tests.delivery.receiver import start_receiver, stop_receiver
from tests.factories import NOW, make_award, make_user


@pytest.fixture
def failing_receiver():
    running = start_receiver()
    running.answers = [(500, b"", {})] * 10
    yield running
    stop_receiver(running)


@pytest.fixture
def owner(app):
    admin = make_user("ops@example.com", name="Olu Ops", role="admin")
    admin_id = admin.id
    db.session.remove()
    return admin_id


def fail_for_a_day(url, owner_id):
    from ledger.queries.people import user_by_id

    create_webhook(url, ["award.created"], description="CRM", now=NOW, actor=Actor(owner_id))
    make_award(make_user(), [make_user()])
    worker.work_once(lambda: NOW)
    worker.work_once(lambda: NOW + queue.GIVE_UP_AFTER)  # gives up: disables, tells
    worker.work_once(lambda: NOW + queue.GIVE_UP_AFTER)  # sends what that wrote
    assert user_by_id(owner_id) is not None


def alert_mails(smtp):
    return [m for m in smtp.mails if m.message["Subject"].startswith("Baton disabled")]


def test_the_owner_gets_a_notice_and_a_mail(smtp, failing_receiver, owner):
    fail_for_a_day(failing_receiver.url, owner)

    (notice,) = notifications_for(owner)
    assert notice["kind"] == "webhook_disabled" and notice["unread"]
    assert notice["details"]["url"] == failing_receiver.url
    assert "failed for a day" in notice["details"]["reason"]

    (mail,) = alert_mails(smtp)
    assert mail.rcpt_tos == ["ops@example.com"]
    text = mail.message.get_body(("plain",)).get_content()
    assert failing_receiver.url in text and "retry a delivery" in text
    assert mail.message["List-Unsubscribe"].startswith("<https://baton.example.com/unsubscribe/")


def test_the_notice_shows_on_the_owners_page(smtp, failing_receiver, owner, app):
    from tests.web.conftest import Browser

    fail_for_a_day(failing_receiver.url, owner)
    browser = Browser(app.test_client())
    browser.login("ops@example.com")
    page = browser.html("/notifications")
    assert "Baton disabled the webhook endpoint" in page and failing_receiver.url in page


def test_the_owners_settings_are_honoured(smtp, failing_receiver, owner):
    change_settings(owner, {"in_app": False, "webhook_mail": False}, now=NOW, actor=Actor(owner))
    fail_for_a_day(failing_receiver.url, owner)
    assert notifications_for(owner) == [] and alert_mails(smtp) == []
    # The endpoint was disabled all the same: only the telling was switched off.
    assert [hook["active"] for hook in list_webhooks()] == [False]


def test_one_alert_however_many_deliveries_fail(smtp, failing_receiver, owner):
    fail_for_a_day(failing_receiver.url, owner)
    make_award(make_user(), [make_user()])  # a disabled endpoint gets no more deliveries
    worker.work_once(lambda: NOW + queue.GIVE_UP_AFTER * 2)
    assert len(notifications_for(owner)) == 1 and len(alert_mails(smtp)) == 1
    alerts = select(Notification.details).where(Notification.kind == "webhook_disabled")
    details = json.loads(db.session.scalars(alerts).one())
    assert details["url"].endswith("/hooks/baton")
