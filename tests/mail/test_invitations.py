"""Invitations and password resets through a real SMTP server: one-time links, stored as
hashes, that expire, die when replaced or when the password changes, and tell no one
whether an address has an account."""

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from ledger.db import db, write_transaction
from ledger.delivery import worker
from ledger.models import AuditEvent, PasswordLink
from ledger.operations import Actor
from ledger.outbox import Event, append
from ledger.password_links import admin_link, invite, link_user, request_reset
from ledger.password_links import set_password_by_link as use_link
from ledger.queries.people import user_by_email
from ledger.sessions import change_password
from tests.api.test_tokens import text_cells_containing
from tests.factories import NOW, make_user
from tests.web.test_sessions import FreshClient, csrf_token, login

LINK = re.compile(r"https://baton\.example\.com(/set-password/[A-Za-z0-9_-]+)")
NEW = "a brand new password"


@pytest.fixture
def people(app):
    app.test_client_class = FreshClient
    admin = make_user("admin@example.com", name="Ada Admin", role="admin")
    make_user("new1@example.com", name="Nia New", password=None)
    make_user("new2@example.com", name="Noor New", password=None)
    return admin


@pytest.fixture
def admin_client(app, people):
    client = app.test_client()
    assert login(client, "admin@example.com").status_code == 302
    return client


def send_mail():
    worker.work_once(lambda: NOW)


def link_in(mail) -> str:
    match = LINK.search(mail.message.get_body(("plain",)).get_content())
    assert match, "the mail carries no set-password link"
    return match.group(1)


def post(client, path, data=None, page="/"):
    return client.post(path, data={"csrf_token": csrf_token(client, page), **(data or {})})


def set_password(client, path, password=NEW):
    form = {"new": password, "confirm": password, "csrf_token": csrf_token(client)}
    return client.post(path, data=form)


def audit_actions(action):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_an_invited_person_sets_a_password_through_the_mailed_link_once(app, smtp, admin_client):
    nia_id = user_by_email("new1@example.com").id
    response = post(admin_client, f"/admin/people/{nia_id}/invite", page=f"/admin/people/{nia_id}")
    assert response.status_code == 302
    send_mail()
    (mail,) = smtp.to("new1@example.com")
    assert mail.message["Subject"] == "You are invited to Baton"
    path = link_in(mail)

    visitor = app.test_client()
    assert set_password(visitor, path).status_code == 302
    assert login(app.test_client(), "new1@example.com", NEW).status_code == 302
    # Single use: the page and a second submit both refuse, and the password stays.
    assert visitor.get(path).status_code == 404
    assert set_password(app.test_client(), path, "another password!").status_code == 404
    assert login(app.test_client(), "new1@example.com", NEW).status_code == 302
    (invited,) = audit_actions("invite")
    assert (invited.object_id, invited.actor_id) == (str(nia_id), people_id("admin@example.com"))
    assert [event.outcome for event in audit_actions("set_password")] == ["ok"]


def people_id(email):
    return user_by_email(email).id


def test_without_mail_the_admin_is_shown_the_links_to_hand_over(app, admin_client):
    assert not app.config.get("BATON_SMTP_URL")
    response = post(admin_client, "/admin/people/invite", page="/admin/people/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    links = re.findall(r'value="http://127\.0\.0\.1:5000(/set-password/[^"]+)"', html)
    # Everyone who never signed in: the two new people, not the admin who just did.
    assert len(links) == 2 and "Nia New" in html and "Noor New" in html
    assert "admin@example.com" not in html.split("<main", 1)[1]
    assert set_password(app.test_client(), links[0]).status_code == 302


def test_the_import_result_invites_the_people_in_the_file(app, smtp, admin_client):
    csv = b"email,name,department,manager_email,role\nhr1@example.com,Hana R,Ops,,\n"
    page = admin_client.get("/admin/people/import").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = admin_client.post(
        "/admin/people/import",
        data={"csrf_token": token, "file": (io.BytesIO(csv), "people.csv")},
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert 'name="email" value="hr1@example.com"' in html
    assert (
        post(admin_client, "/admin/people/invite", {"email": "hr1@example.com"}).status_code == 302
    )
    send_mail()
    assert [m.rcpt_tos for m in smtp.mails] == [["hr1@example.com"]]


def test_forgot_password_answers_the_same_for_known_and_unknown_addresses(app, smtp, people):
    answers = []
    for address in ("new1@example.com", "nobody@example.com"):
        client = app.test_client()
        response = post(client, "/forgot-password", {"email": address}, page="/forgot-password")
        answers.append((response.status_code, response.headers["Location"]))
        answers.append(client.get("/login").get_data(as_text=True).split("<main", 1)[-1])
    assert answers[0] == answers[2]
    assert _without_tokens(answers[1]) == _without_tokens(answers[3])
    send_mail()
    assert [m.rcpt_tos for m in smtp.mails] == [["new1@example.com"]]
    assert smtp.mails[0].message["Subject"] == "Your Baton password link"
    outcomes = sorted(event.outcome for event in audit_actions("password_reset_requested"))
    assert outcomes == ["ok", "unknown_email"]


def _without_tokens(html):
    return re.sub(r'value="[^"]*"', "", html)


def test_a_reset_link_expires_after_an_hour(app, people):
    request_reset("new1@example.com", now=NOW, actor=Actor(None))
    raw = _raw_link_from_outbox()
    assert link_user(raw, NOW + timedelta(minutes=59)) is not None
    assert link_user(raw, NOW + timedelta(minutes=61)) is None
    with pytest.raises(Exception, match="expired or was already used"):
        use_link(raw, NEW, now=NOW + timedelta(minutes=61), actor=Actor(None))


def _raw_link_from_outbox():
    from ledger.delivery.secrets import MAIL_LINKS, unseal
    from tests.delivery.helpers import event_data

    (data,) = event_data("mail.password_link")
    return unseal(data["sealed_link"], MAIL_LINKS).rsplit("/", 1)[1]


def test_a_later_link_replaces_the_earlier_one(app, people):
    nia = user_by_email("new1@example.com")
    first = admin_link(nia.id, now=NOW, actor=Actor(None)).rsplit("/", 1)[1]
    second = admin_link(nia.id, now=NOW, actor=Actor(None)).rsplit("/", 1)[1]
    assert link_user(first, NOW) is None
    assert link_user(second, NOW) is not None


def test_a_password_change_ends_every_open_link(app, people):
    admin = user_by_email("admin@example.com")
    raw = admin_link(admin.id, now=NOW, actor=Actor(None)).rsplit("/", 1)[1]
    change_password(admin.id, "correct horse battery", NEW, now=NOW, actor=Actor(admin.id))
    assert link_user(raw, NOW) is None


def test_links_of_inactive_people_and_bots_are_refused(app, people):
    bot = make_user("bot@example.com", name="Bot", kind="service", password=None)
    with pytest.raises(Exception, match="Only active people"):
        invite([bot.id], now=NOW, actor=Actor(None), mail=False)
    assert db.session.scalars(select(PasswordLink)).all() == []


def test_no_table_holds_a_raw_link(app, smtp, people):
    request_reset("new1@example.com", now=NOW, actor=Actor(None))
    raw = _raw_link_from_outbox()
    assert text_cells_containing(raw) == []
    send_mail()
    assert raw in link_in(smtp.mails[0])


def test_the_scan_finds_a_link_stored_in_the_clear(app, people):
    # Negative control: the same scan finds the link where a naive outbox would keep it.
    nia = user_by_email("new1@example.com")
    url = admin_link(nia.id, now=NOW, actor=Actor(None))
    clear = Event("mail.invitation", {"link": url}, "user", nia.id)
    write_transaction(lambda: append([clear], now=NOW))
    assert text_cells_containing(url.rsplit("/", 1)[1]) == ["outbox_events.data"]
