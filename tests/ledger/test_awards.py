"""Giving awards through the service, on both engines."""

from datetime import timedelta

import pytest

from ledger.errors import (
    DuplicateRecipient,
    InsufficientAllowance,
    PeriodClosed,
    RecipientInactive,
    SelfAward,
    UnknownRecipient,
    ValidationFailed,
)
from ledger.operations import Actor
from ledger.queries.balances import balances
from ledger.reconciliation import verify_ledger
from ledger.services import award_points, close_period, reverse_award, top_up
from tests.factories import ADMIN_ACTOR, make_user

MESSAGE = "Thanks for preparing the release notes early."


def give(giver, recipients, points=10, now=None, **extra):
    from tests.factories import NOW

    return award_points(
        giver=giver.id,
        recipients=[r.id for r in recipients],
        points=points,
        message=MESSAGE,
        service_kind="lead-time",
        now=now or NOW,
        actor=Actor(giver.id),
        **extra,
    )


@pytest.fixture
def org(engine_app):
    boss = make_user("boss@example.com", name="Boss", role="manager", department="Leadership")
    lead = make_user("lead@example.com", name="Lead", manager="boss@example.com", role="manager")
    ana = make_user("ana@example.com", name="Ana", manager="lead@example.com")
    ben = make_user("ben@example.com", name="Ben", manager="lead@example.com")
    sam = make_user("sam@example.com", name="Sam", department="Sales")
    return {"boss": boss, "lead": lead, "ana": ana, "ben": ben, "sam": sam}


def test_an_award_moves_points_from_allowance_to_earned(org, now):
    result = give(org["ana"], [org["ben"], org["sam"]], points=15)
    document = result.document
    assert document["points_total"] == 30
    assert [line["recipient"]["email"] for line in document["lines"]] == [
        "ben@example.com",
        "sam@example.com",
    ]
    assert balances(org["ana"].id, now)["allowance_remaining"] == 70
    assert balances(org["ben"].id, now)["earned_unconverted"] == 15
    assert balances(org["sam"].id, now)["earned_lifetime"] == 15
    assert verify_ledger()["ok"]


def test_direction_and_department_come_from_the_org_chart(org):
    lines = give(org["boss"], [org["ana"], org["sam"]]).document["lines"]
    assert [(line["direction"], line["cross_department"]) for line in lines] == [
        ("up", True),
        ("lateral", True),
    ]
    lines = give(org["ana"], [org["boss"], org["ben"]]).document["lines"]
    assert [(line["direction"], line["cross_department"]) for line in lines] == [
        ("down", True),
        ("lateral", False),
    ]


def test_a_managers_allowance_has_a_boost_per_active_report(org, now):
    assert balances(org["lead"].id, now)["allowance_total"] == 120
    give(org["lead"], [org["ana"]])
    assert balances(org["lead"].id, now)["allowance_total"] == 120


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"recipients": "self"}, SelfAward),
        ({"recipients": "twice"}, DuplicateRecipient),
        ({"points": 51}, ValidationFailed),
        ({"points": 0}, ValidationFailed),
        ({"message": "short"}, ValidationFailed),
        ({"service_kind": "bribe"}, ValidationFailed),
        ({"recipients": "unknown"}, UnknownRecipient),
    ],
)
def test_a_broken_rule_is_refused_and_writes_nothing(org, now, change, error):
    from ledger.db import db
    from ledger.models import Award, Operation, Transfer

    recipients = {
        "self": [org["ana"].id],
        "twice": [org["ben"].id, "BEN@example.com"],
        "unknown": [org["ben"].id, "nobody@example.com"],
    }.get(change.get("recipients"), [org["ben"].id])
    arguments = {
        "giver": org["ana"].id,
        "recipients": recipients,
        "points": 10,
        "message": MESSAGE,
        "service_kind": "need",
        "now": now,
        "actor": Actor(org["ana"].id),
    }
    arguments.update({k: v for k, v in change.items() if k != "recipients"})
    before = [db.session.query(model).count() for model in (Award, Operation, Transfer)]
    with pytest.raises(error):
        award_points(**arguments)
    assert [db.session.query(model).count() for model in (Award, Operation, Transfer)] == before


def test_an_award_beyond_the_allowance_is_refused_whole(org, now):
    give(org["ana"], [org["ben"]], points=50)
    give(org["ana"], [org["sam"]], points=40)
    with pytest.raises(InsufficientAllowance):
        give(org["ana"], [org["ben"], org["sam"]], points=6)
    assert balances(org["ana"].id, now)["allowance_remaining"] == 10
    assert balances(org["ben"].id, now)["earned_lifetime"] == 50
    give(org["ana"], [org["ben"], org["sam"]], points=5)  # exactly what is left
    assert balances(org["ana"].id, now)["allowance_remaining"] == 0


def test_inactive_people_and_bots_cannot_receive(org, now):
    bot = make_user("bot@example.com", kind="bot")
    with pytest.raises(RecipientInactive) as caught:
        give(org["ana"], [org["ben"], bot])
    assert caught.value.details == {"index": 1}


def test_a_top_up_adds_to_this_periods_allowance(org, now):
    top_up(org["ana"].id, points=25, reason="Launch week", now=now, actor=ADMIN_ACTOR)
    assert balances(org["ana"].id, now)["allowance_total"] == 125
    give(org["ana"], [org["ben"]], points=50)
    give(org["ana"], [org["sam"]], points=50)
    give(org["ana"], [org["lead"]], points=25)
    assert balances(org["ana"].id, now)["allowance_remaining"] == 0


def test_a_reversal_gives_the_points_back_to_the_giver(org, now):
    award = give(org["ana"], [org["ben"], org["sam"]], points=20).document
    reverse_award(award["id"], reason="Given by mistake", now=now, actor=ADMIN_ACTOR)
    assert balances(org["ana"].id, now)["allowance_remaining"] == 100
    assert balances(org["ben"].id, now)["earned_lifetime"] == 0
    assert verify_ledger()["ok"]


def test_a_reversal_after_the_close_sends_the_points_to_expired(org, now):
    award = give(org["ana"], [org["ben"]], points=20).document
    later = now + timedelta(days=30)
    close_period("2026-11", now=later, actor=ADMIN_ACTOR)
    reverse_award(award["id"], reason="Found to be collusion", now=later, actor=ADMIN_ACTOR)
    assert balances(org["ben"].id, later)["earned_lifetime"] == 0
    report = verify_ledger()
    assert report["ok"], report["problems"]


def test_awards_in_a_closed_period_are_refused(org, now):
    give(org["ana"], [org["ben"]])
    close_period("2026-11", now=now, actor=ADMIN_ACTOR, force=True)
    with pytest.raises(PeriodClosed):
        give(org["ana"], [org["ben"]])
    with pytest.raises(PeriodClosed):
        give(org["ben"], [org["ana"]])  # no allowance account yet: still refused
    assert verify_ledger()["ok"]


def test_closing_expires_what_is_left_and_seals_the_accounts(org, now):
    give(org["ana"], [org["ben"]], points=30)
    [result] = close_period("2026-11", now=now, actor=ADMIN_ACTOR, force=True)
    assert result.document == {
        "period": "2026-11",
        "already_closed": False,
        "accounts": 1,
        "expired": 70,
    }
    assert verify_ledger()["ok"]


def test_a_period_that_has_not_ended_needs_force(org, now):
    give(org["ana"], [org["ben"]])
    with pytest.raises(ValidationFailed, match="force"):
        close_period("2026-11", now=now, actor=ADMIN_ACTOR)
