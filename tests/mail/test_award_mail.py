"""Award mail through a real SMTP server: envelope, headers, both parts, settings, replays."""

import logging

import pytest

from ledger.db import db
from ledger.delivery import queue, worker
from ledger.mail import send_invitation, send_password_link
from ledger.operations import Actor, IdempotencyKey
from ledger.preferences import change_settings
from ledger.services import award_points
from tests.delivery.helpers import deliveries
from tests.factories import NOW, make_award, make_user


def at(moment):
    return lambda: moment


def mail_deliveries():
    return [d for d in deliveries() if d.channel == "mail"]


@pytest.fixture
def people(app):
    kwame = make_user("kwame@example.com", name="Kwame")
    ann = make_user("ann@example.com", name="Ann")
    bob = make_user("bob@example.com", name="Bob")
    for person in (kwame, ann, bob):
        # Loaded and out of the session: readable after a worker pass ends the session.
        db.session.refresh(person)
        db.session.expunge(person)
    return kwame, ann, bob


def give(kwame, recipients, key=None, message="for a clean hand-off"):
    return award_points(
        giver=kwame.id,
        recipients=[person.id for person in recipients],  # read before a worker pass detaches
        points=10,
        message=message,
        service_kind="handoff",
        now=NOW,
        actor=Actor(kwame.id),
        idempotency=IdempotencyKey(f"user:{kwame.id}", key, "hash") if key else None,
    )


def test_each_recipient_gets_one_mail_with_both_parts(smtp, people):
    kwame, ann, bob = people
    give(kwame, [ann, bob], message="for a clean hand-off <b>& more</b>")

    worker.work_once(at(NOW))

    assert sorted(rcpt for mail in smtp.mails for rcpt in mail.rcpt_tos) == [
        "ann@example.com",
        "bob@example.com",
    ]
    mail = smtp.to("ann@example.com")[0]
    assert mail.mail_from == "baton@example.com"
    message = mail.message
    assert message["Subject"] == "Kwame thanked you for a clean hand-off <b>& more</b> (+10)"
    assert message["From"] == "Baton <baton@example.com>"
    assert message["To"] == "Ann <ann@example.com>"
    assert message["Message-ID"].startswith("<msg_")
    assert message["List-Unsubscribe"].startswith("<https://baton.example.com/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # As sent: one plain header, not folded into an encoded word some clients cannot read.
    assert b"\nList-Unsubscribe: <https://baton.example.com/unsubscribe/" in mail.raw
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Kwame gave you 10 points (Clean hand-off)." in text
    assert "<b>& more</b>" in text  # plain text is not escaped
    assert "&lt;b&gt;&amp; more&lt;/b&gt;" in html and "<b>&" not in html  # HTML is
    assert message["List-Unsubscribe"][1:-1] in text
    assert {d.status for d in mail_deliveries()} == {"delivered"}


def test_a_person_who_turned_award_mail_off_gets_none(smtp, people):
    kwame, ann, bob = people
    change_settings(ann.id, {"award_mail": False}, now=NOW, actor=Actor(ann.id))
    give(kwame, [ann, bob])
    worker.work_once(at(NOW))
    assert smtp.to("ann@example.com") == [] and len(smtp.to("bob@example.com")) == 1


def test_turning_it_off_after_the_award_but_before_the_send_stops_the_mail(smtp, people):
    kwame, ann, _ = people
    give(kwame, [ann])
    queue.fan_out(NOW)
    change_settings(ann.id, {"award_mail": False}, now=NOW, actor=Actor(ann.id))
    worker.work_once(at(NOW))
    assert smtp.mails == []
    assert [(d.status, d.last_error) for d in mail_deliveries()] == [
        ("failed", "The person turned these mails off.")
    ]


def test_a_replayed_award_and_a_second_worker_pass_send_no_second_mail(smtp, people):
    kwame, ann, _ = people
    first = give(kwame, [ann], key="k-1")
    again = give(kwame, [ann], key="k-1")
    assert again.replayed and again.document == first.document
    worker.work_once(at(NOW))
    worker.work_once(at(NOW + queue.LEASE * 2))
    assert len(smtp.to("ann@example.com")) == 1


def test_a_refused_recipient_is_not_retried_and_a_dead_server_is(smtp, people, app):
    kwame, ann, bob = people
    smtp.refuse = {"ann@example.com"}
    give(kwame, [ann])
    worker.work_once(at(NOW))
    (refused,) = mail_deliveries()
    assert (refused.recipient_id, refused.status) == (ann.id, "failed")
    assert "550" in refused.last_error

    app.config["BATON_SMTP_URL"] = "smtp://127.0.0.1:1"  # nothing listens there
    give(kwame, [bob])
    worker.work_once(at(NOW))
    waiting = next(d for d in mail_deliveries() if d.recipient_id == bob.id)
    assert waiting.status == "pending" and waiting.attempts == 1
    assert waiting.next_attempt_at >= NOW + queue.FIRST_RETRY


def test_without_smtp_development_writes_the_mail_to_the_log(app, people, caplog):
    app.config.update(BATON_MAIL_NOTIFICATIONS="1", BATON_SMTP_URL=None)
    kwame, ann, _ = people
    with caplog.at_level(logging.INFO, logger="baton.mail"):
        give(kwame, [ann])
        worker.work_once(at(NOW))
    logged = [r.getMessage() for r in caplog.records if r.name == "baton.mail"]
    assert len(logged) == 1 and "ann@example.com" in logged[0]
    assert "Kwame thanked you for a clean hand-off (+10)" in logged[0]
    assert [d.status for d in mail_deliveries()] == ["delivered"]


def test_mail_off_makes_no_mail_deliveries(app, people):
    kwame, ann, _ = people
    make_award(kwame, [ann])
    worker.work_once(at(NOW))
    assert mail_deliveries() == []


def test_invitation_and_password_links_are_sent_without_an_unsubscribe(smtp, people):
    _, ann, _ = people
    send_invitation(ann, "https://baton.example.com/set-password/abc<x>")
    send_password_link(ann, "https://baton.example.com/set-password/def")
    worker.work_once(at(NOW))
    subjects = sorted(mail.message["Subject"] for mail in smtp.to("ann@example.com"))
    assert subjects == ["You are invited to Baton", "Your Baton password link"]
    for mail in smtp.mails:
        assert mail.message["List-Unsubscribe"] is None
    invitation = next(m for m in smtp.mails if "invited" in m.message["Subject"]).message
    assert "set-password/abc<x>" in invitation.get_body(("plain",)).get_content()
    assert "set-password/abc&lt;x&gt;" in invitation.get_body(("html",)).get_content()


def test_links_go_out_with_notification_mail_off(smtp, people, app):
    _, ann, _ = people
    app.config["BATON_MAIL_NOTIFICATIONS"] = "0"
    send_password_link(ann, "https://baton.example.com/set-password/x")
    give(people[0], [ann])
    worker.work_once(at(NOW))
    assert [m.message["Subject"] for m in smtp.mails] == ["Your Baton password link"]


def test_production_without_smtp_never_logs_a_mail(app, people, caplog):
    _, ann, _ = people
    app.config.update(BATON_ENV="production", BATON_SMTP_URL=None)
    with caplog.at_level(logging.INFO, logger="baton.mail"):
        send_password_link(ann, "https://baton.example.com/set-password/secret-link")
        worker.work_once(at(NOW))
    assert "secret-link" not in caplog.text
    (failed,) = mail_deliveries()
    assert failed.status == "failed" and "BATON_SMTP_URL is not set" in failed.last_error
