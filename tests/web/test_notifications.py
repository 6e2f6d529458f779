"""The unread count in the navigation, the notifications page and the settings page."""

from __future__ import annotations

import re

from ledger.preferences import settings_for
from tests.web.conftest import give

UNREAD = re.compile(r'class="badge badge-unread">(\d+)<')


def unread_shown(browser) -> int | None:
    match = UNREAD.search(browser.html("/"))
    return int(match.group(1)) if match else None


def test_awards_show_as_unread_until_the_notifications_page_is_seen(as_user, org):
    give(org["ben"], [org["ana"]], points=5, message="Thanks for <b>pairing</b> on the outage.")
    give(org["sam"], [org["ana"]], points=7)
    browser = as_user("ana")
    assert unread_shown(browser) == 2
    page = browser.html("/notifications")
    assert page.count(">New<") == 2
    assert "Sam Sales</strong> gave you <strong>+7" in page
    assert "Thanks for &lt;b&gt;pairing&lt;/b&gt;" in page  # a message is text, never markup
    assert unread_shown(browser) is None
    assert ">New<" not in browser.html("/notifications")


def test_a_person_sees_only_their_own_notices(as_user, org):
    give(org["ben"], [org["ana"]], points=5)
    browser = as_user("sam")
    assert unread_shown(browser) is None
    assert "Nothing yet" in browser.html("/notifications")


def test_settings_turn_each_kind_off_and_on(as_user, org):
    browser = as_user("ana")
    assert "checked" in browser.html("/settings/notifications")
    response = browser.post("/settings/notifications", {"award_mail": "y", "digest": "y"})
    assert response.status_code == 302
    assert settings_for(org["ana"].id) == {
        "award_mail": True,
        "in_app": False,
        "digest": True,
        "webhook_mail": False,
    }
    give(org["ben"], [org["ana"]], points=5)
    assert unread_shown(browser) is None
    browser.post("/settings/notifications", {"in_app": "y"})
    assert settings_for(org["ana"].id) == {
        "award_mail": False,
        "in_app": True,
        "digest": False,
        "webhook_mail": False,
    }
    give(org["ben"], [org["ana"]], points=5)
    assert unread_shown(browser) == 1
