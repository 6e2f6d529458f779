"""Linking Slack accounts: the one-time self-service page, the admin API and page, HR import."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from ledger.chat.links import offer_link
from ledger.clock import utcnow
from ledger.db import db
from ledger.imports.importer import ImportRejected, import_file
from ledger.models import SlackLink, User
from tests.factories import ADMIN_ACTOR, NOW
from tests.integrations.conftest import link
from tests.web.conftest import Browser

THANKS = "thanks for the clean hand-off of the billing migration"


def slack_id_of(user) -> tuple:
    db.session.expire_all()
    person = db.session.get(User, user.id)
    result = (person.slack_user_id, person.slack_handle)
    db.session.rollback()
    return result


@pytest.fixture
def browser(app, people):
    return Browser(app.test_client())


def test_an_unlinked_person_links_themselves_once_and_can_then_give(app, slack, people, browser):
    answer = slack.say(f"+5 @bob #need {THANKS}", user_id="UUNA1", user_name="una")
    path = "/slack/link/" + answer.split("/slack/link/")[1].split()[0]
    anonymous = browser.get(path)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    browser.login("una@example.com")
    page = browser.html(path)
    assert "@una" in page and "This Slack account is me" in page
    assert browser.request("POST", path, data={}).status_code == 400  # no CSRF token
    assert slack_id_of(people["unlinked"]) == (None, None)
    assert browser.post(path).status_code == 302
    assert slack_id_of(people["unlinked"]) == ("UUNA1", "una")
    assert browser.get(path).status_code == 404  # one time only
    assert "You gave +5 to Bob Ray" in slack.say(f"+5 @bob #need {THANKS}", user_id="UUNA1")
    assert "Ann Lee" in slack.say(f"+5 @una @ann #need {THANKS}", user_id="UGIVER1")


def test_an_expired_or_unknown_offer_links_no_one(app, people, browser):
    fresh, _ = offer_link("UNEW2", team_id="T1", handle="new", now=utcnow())
    browser.login("una@example.com")
    assert browser.get(f"/slack/link/{fresh}").status_code == 200  # control: a fresh one opens
    raw, _ = offer_link("UOLD1", team_id="T1", handle="old", now=utcnow() - timedelta(hours=2))
    for path in (f"/slack/link/{raw}", "/slack/link/made-up"):
        assert browser.get(path).status_code == 404
        assert browser.post(path).status_code == 404
    assert slack_id_of(people["unlinked"]) == (None, None)


def test_an_account_linked_to_someone_else_cannot_be_claimed(app, people, browser):
    raw, _ = offer_link("UANN1", team_id="T1", handle="ann", now=utcnow())
    browser.login("una@example.com")
    response = browser.post(f"/slack/link/{raw}")
    assert response.status_code == 409
    assert "already linked to Ann Lee" in response.get_data(as_text=True)
    assert slack_id_of(people["unlinked"]) == (None, None)
    assert slack_id_of(people["ann"]) == ("UANN1", "ann")
    assert db.session.scalars(select(SlackLink.used_at)).one() is None


def test_an_admin_links_and_unlinks_through_the_api(app, people):
    from tests.api.conftest import token_for

    admin = people["giver"]
    db.session.execute(User.__table__.update().where(User.id == admin.id).values(role="admin"))
    db.session.commit()
    headers = {"Authorization": f"Bearer {token_for(admin, ['read', 'admin'])}"}
    client = app.test_client()
    bob = people["bob"]
    path = f"/api/v1/users/{bob.id}"
    linked = client.patch(path, json={"slack_user_id": "UBOB1"}, headers=headers)
    assert linked.status_code == 200 and linked.get_json()["slack_user_id"] == "UBOB1"
    for bad in ("bob", "u123", "", 12):
        refused = client.patch(path, json={"slack_user_id": bad}, headers=headers)
        assert refused.status_code == 422, bad
    taken = client.patch(path, json={"slack_user_id": "UANN1"}, headers=headers)
    assert taken.status_code == 422 and "already linked to Ann Lee" in taken.get_data(as_text=True)
    assert slack_id_of(bob) == ("UBOB1", None)
    unlinked = client.patch(path, json={"slack_user_id": None}, headers=headers)
    assert unlinked.status_code == 200 and slack_id_of(bob) == (None, None)


def test_an_admin_links_someone_on_their_person_page(app, people, browser):
    db.session.execute(
        User.__table__.update().where(User.id == people["giver"].id).values(role="admin")
    )
    db.session.commit()
    browser.login("kwame@example.com")
    bob = people["bob"]
    page = browser.html(f"/admin/people/{bob.id}")
    assert "Slack member id" in page
    form = {"name": "Bob Ray", "email": "bob@example.com", "department": "Engineering",
            "manager_id": "0", "role": "employee", "employee_number": ""}  # fmt: skip
    assert (
        browser.post(f"/admin/people/{bob.id}", {**form, "slack_user_id": "nope"}).status_code
        == 422
    )
    assert (
        browser.post(f"/admin/people/{bob.id}", {**form, "slack_user_id": "UANN1"}).status_code
        == 422
    )
    assert (
        browser.post(f"/admin/people/{bob.id}", {**form, "slack_user_id": "ubob2"}).status_code
        == 302
    )
    assert slack_id_of(bob) == ("UBOB2", None)


def test_the_hr_import_sets_slack_ids_and_refuses_one_held_by_someone_else(app, people):
    header = "email,name,department,manager_email,role,slack_user_id\n"
    good = header + "bob@example.com,Bob Ray,Engineering,,,ubob3\nnew@example.com,Nu,Eng,,,UNEW9\n"
    report = import_file(good.encode(), content_type="text/csv", now=NOW, actor=ADMIN_ACTOR)
    assert report["counts"]["created"] == 1
    bob_row = next(row for row in report["rows"] if row["email"] == "bob@example.com")
    assert bob_row["changes"] == ["slack_user_id"]
    assert slack_id_of(people["bob"]) == ("UBOB3", None)
    for bad, reason in [
        ("bob@example.com,Bob Ray,Engineering,,,UANN1\n", "already belongs to ann.lee@example.com"),
        ("bob@example.com,Bob Ray,Engineering,,,not-slack\n", "Bad slack_user_id"),
        ("bob@example.com,Bob,Eng,,,UX1\nsam@example.com,Sam,Eng,,,UX1\n", "also at row 2"),
    ]:
        with pytest.raises(ImportRejected) as caught:
            import_file((header + bad).encode(), content_type="text/csv", now=NOW,
                        actor=ADMIN_ACTOR)  # fmt: skip
        assert reason in caught.value.message or reason in str(caught.value.details), reason
    assert slack_id_of(people["bob"]) == ("UBOB3", None)


def test_two_people_may_swap_slack_ids_in_one_import(app, people):
    link(people["bob"], "UBOB1")
    header = "email,name,department,manager_email,role,slack_user_id\n"
    swap = header + "bob@example.com,Bob Ray,Engineering,,,UANN1\n"
    swap += "ann.lee@example.com,Ann Lee,Engineering,,,UBOB1\n"
    import_file(swap.encode(), content_type="text/csv", now=NOW, actor=ADMIN_ACTOR)
    assert slack_id_of(people["bob"])[0] == "UANN1"
    assert slack_id_of(people["ann"]) == ("UBOB1", None)
