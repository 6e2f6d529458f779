"""The managers' weekly digest: content, one mail per manager per week, settings, schedule."""

from datetime import timedelta

import pytest

from ledger.db import db
from ledger.delivery import worker
from ledger.delivery.schedule import Schedule
from ledger.mail.digest import request_digests
from ledger.operations import Actor
from ledger.preferences import change_settings
from tests.delivery.helpers import events
from tests.factories import NOW, make_award, make_user

WEEK = "2026-W47"  # NOW is Monday 16 November 2026, its first day
AFTER = NOW + timedelta(days=7)


def at(moment):
    return lambda: moment


@pytest.fixture
def team(app):
    mona = make_user("mona@example.com", name="Mona", role="manager")
    ann = make_user("ann@example.com", name="Ann", manager=mona.email)
    bob = make_user("bob@example.com", name="Bob", manager=mona.email)
    cy = make_user("cy@example.com", name="Cy", manager=mona.email)
    peer = make_user("pia@example.com", name="Pia", department="Sales")
    make_award(ann, [bob], points=10)  # within the team
    make_award(peer, [ann], points=7)  # from outside
    make_award(bob, [peer], points=5, now=NOW - timedelta(days=1))  # the week before: not counted
    ids = {person.name: person.id for person in (mona, ann, bob, cy, peer)}
    db.session.remove()
    return ids


def digest_mails(smtp):
    return [m for m in smtp.mails if m.message["Subject"].startswith("Your team's recognition")]


def test_each_manager_gets_one_digest_of_the_last_full_week(smtp, team):
    assert request_digests(AFTER) == (WEEK, True)
    worker.work_once(at(AFTER))

    (mail,) = digest_mails(smtp)
    assert mail.rcpt_tos == ["mona@example.com"]
    message = mail.message
    assert message["Subject"] == f"Your team's recognition, week {WEEK}"
    assert message["List-Unsubscribe"].startswith("<https://baton.example.com/unsubscribe/")
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "What your 3 people gave and received from 2026-11-16 to 2026-11-22." in text
    received = text.split("Points your people received")[1].split("Points your people gave")[0]
    given = text.split("Points your people gave")[1].split("Not recognized")[0]
    # Ann got 7 and Bob 10: 17 received in all; Ann gave 10 (Bob's 5 was the week before).
    assert sum(int(part.split(" points")[0]) for part in received.split(": ")[1:]) == 17
    assert sum(int(part.split(" points")[0]) for part in given.split(": ")[1:]) == 10
    assert "Not recognized this week:\n  - Cy\n" in text
    assert "Allowance left unspent:" in text and "  - Cy: " in text
    html = message.get_body(("html",)).get_content()
    assert "<li>Cy</li>" in html


def test_asking_twice_for_a_week_sends_once(smtp, team, app):
    request_digests(AFTER)
    worker.work_once(at(AFTER))
    result = app.test_cli_runner().invoke(args=["ledger", "send-digests", "--week", WEEK])
    assert result.exit_code == 0 and "already asked for" in result.output
    assert request_digests(AFTER + timedelta(days=1)) == (WEEK, False)
    worker.work_once(at(AFTER + timedelta(days=1)))
    assert len(digest_mails(smtp)) == 1
    assert len(events("digest.weekly")) == 1


def test_a_manager_who_turned_the_digest_off_gets_none(smtp, team):
    change_settings(team["Mona"], {"digest": False}, now=NOW, actor=Actor(team["Mona"]))
    request_digests(AFTER)
    worker.work_once(at(AFTER))
    assert digest_mails(smtp) == []


def test_a_week_that_has_not_ended_is_refused(app, team):
    with pytest.raises(ValueError, match="has not ended"):
        request_digests(NOW, WEEK)
    with pytest.raises(ValueError, match="ISO week"):
        request_digests(AFTER, "2026-47")
    result = app.test_cli_runner().invoke(args=["ledger", "send-digests", "--week", "2099-W01"])
    assert result.exit_code != 0 and "has not ended" in result.output


def test_the_worker_schedule_asks_for_digests_on_its_interval(smtp, team, app):
    app.config["BATON_DIGEST_INTERVAL"] = "60"
    app.config["BATON_SEAL_INTERVAL"] = "0"  # off, as the overdue-request chore below:
    app.config["BATON_OVERDUE_INTERVAL"] = "0"  # only the digest chore runs here
    seconds = [0.0]
    schedule = Schedule()
    assert schedule.run_due(AFTER, clock=lambda: seconds[0]) == ["digests"]
    seconds[0] = 30.0
    assert schedule.run_due(AFTER, clock=lambda: seconds[0]) == []  # not yet its turn
    seconds[0] = 61.0
    assert schedule.run_due(AFTER, clock=lambda: seconds[0]) == ["digests"]
    worker.work_once(at(AFTER))
    assert len(digest_mails(smtp)) == 1 and len(events("digest.weekly")) == 1


def test_without_mail_the_schedule_asks_for_no_digest(app, team):
    app.config["BATON_SEAL_INTERVAL"] = "0"
    app.config["BATON_OVERDUE_INTERVAL"] = "0"
    assert Schedule().run_due(AFTER) == []
    assert events("digest.weekly") == []
