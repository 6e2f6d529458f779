"""The admin webhooks page: add an endpoint (secret shown once), watch, retry, delete."""

from __future__ import annotations

import re

from ledger.delivery import queue
from ledger.delivery.endpoints import list_webhooks
from tests.factories import NOW
from tests.web.conftest import give


def add(browser, url="https://hooks.example.com/baton", events=("award.created",)):
    return browser.post(
        "/admin/webhooks/",
        {"url": url, "events": list(events), "description": "Recognition wall <b>"},
    )


def test_an_admin_adds_a_webhook_and_sees_its_secret_once(as_user, org):
    browser = as_user("admin")
    page = add(browser)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    secret = re.search(r'id="webhook-secret">(whsec_[^<]+)<', html).group(1)
    assert "Recognition wall &lt;b&gt;" in html  # escaped

    again = browser.html("/admin/webhooks/")
    assert "hooks.example.com/baton" in again and secret not in again
    assert [hook["url"] for hook in list_webhooks()] == ["https://hooks.example.com/baton"]


def test_a_bad_url_is_refused_on_the_form_and_nothing_is_added(as_user, org, app):
    app.config["BATON_ENV"] = "production"
    page = add(as_user("admin"), url="https://127.0.0.1/hook")
    assert page.status_code == 422
    assert "inside the network" in page.get_data(as_text=True)
    assert list_webhooks() == []


def test_deliveries_show_and_can_be_sent_again_then_the_webhook_deleted(as_user, org):
    browser = as_user("admin")
    add(browser)
    hook = list_webhooks()[0]
    give(org["ana"], [org["ben"]])
    queue.fan_out(NOW)

    page = browser.html(f"/admin/webhooks/{hook['id']}")
    assert "award.created" in page and "pending" in page
    delivery = re.search(r"/deliveries/(\d+)/retry", page).group(1)
    retried = browser.post(f"/admin/webhooks/{hook['id']}/deliveries/{delivery}/retry")
    assert retried.status_code == 302

    deleted = browser.post(f"/admin/webhooks/{hook['id']}/delete")
    assert deleted.status_code == 302
    assert list_webhooks() == []
    assert browser.get(f"/admin/webhooks/{hook['id']}").status_code == 404


def test_the_webhooks_page_is_for_admins_only(as_user, org):
    browser = as_user("boss")
    assert browser.get("/admin/webhooks/").status_code == 403
    assert add(browser).status_code == 403
    assert list_webhooks() == []
