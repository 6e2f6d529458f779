"""In-app notices are written with the operation that causes them: never for a refusal or replay."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from ledger.bonus import services as bonus
from ledger.db import db
from ledger.errors import InsufficientAllowance
from ledger.models import Notification
from ledger.notifications import mark_read
from ledger.operations import Actor, IdempotencyKey
from ledger.preferences import change_settings, settings_for
from ledger.queries.notifications import notifications_for, unread_count
from ledger.services import award_points
from ledger.services.reversals import reverse_award
from tests.bonus.helpers import build_org, commit, draft, give
from tests.factories import NOW


def notices() -> list[tuple]:
    rows = db.session.execute(
        select(Notification.user_id, Notification.kind, Notification.details).order_by(
            Notification.id
        )
    ).all()
    db.session.rollback()
    return [(user_id, kind, json.loads(details)) for user_id, kind, details in rows]


def keyed_award(org, key: str, points: int = 10):
    return award_points(
        giver=org.dee.id,
        recipients=[org.bob.id, org.cy.id],
        points=points,
        message="Thanks for the clean hand-off.",
        service_kind="handoff",
        now=NOW,
        actor=Actor(org.dee.id),
        idempotency=IdempotencyKey(f"user:{org.dee.id}", key, f"hash-{points}"),
    )


def test_each_recipient_is_told_once_and_a_replay_tells_no_one_again(engine_app):
    org = build_org()
    first = keyed_award(org, "k1")
    again = keyed_award(org, "k1")
    assert again.replayed and again.document == first.document
    told = notices()
    assert [(user, kind) for user, kind, _ in told] == [
        (org.bob.id, "award_received"),
        (org.cy.id, "award_received"),
    ]
    assert told[0][2] == {
        "giver": org.dee.reference(),
        "points": 10,
        "service_kind": "handoff",
        "message": "Thanks for the clean hand-off.",
    }


def test_a_refused_award_tells_no_one(engine_app):
    org = build_org()
    keyed_award(org, "first")  # 20 of Dee's 100 points spent
    before = notices()
    with pytest.raises(InsufficientAllowance):
        keyed_award(org, "too-much", points=50)  # 2 x 50 > the 80 left
    with pytest.raises(InsufficientAllowance):
        keyed_award(org, "too-much", points=50)  # the stored refusal replays
    assert notices() == before and len(before) == 2


def test_someone_who_turned_in_app_notices_off_is_not_told(engine_app):
    org = build_org()
    change_settings(org.cy.id, {"in_app": False}, now=NOW, actor=Actor(org.cy.id))
    assert settings_for(org.cy.id) == {
        "award_mail": True,
        "in_app": False,
        "digest": True,
        "webhook_mail": True,
    }
    keyed_award(org, "k2")
    assert [user for user, _, _ in notices()] == [org.bob.id]


def test_a_reversal_tells_the_recipients_and_the_giver(engine_app):
    org = build_org()
    award = keyed_award(org, "k3").document
    reverse_award(award["id"], reason="Given by mistake", now=NOW, actor=Actor(org.admin.id))
    reversed_ = [(user, details) for user, kind, details in notices() if kind == "award_reversed"]
    assert [user for user, _ in reversed_] == [org.bob.id, org.cy.id, org.dee.id]
    assert reversed_[0][1]["points"] == 10 and reversed_[0][1]["reason"] == "Given by mistake"
    assert reversed_[2][1] == {
        "giver": org.dee.reference(),
        "points": 20,
        "reason": "Given by mistake",
        "returned_to": "allowance",
    }


def test_marking_paid_tells_each_person_paid_their_amount_once(engine_app):
    org = build_org()
    give(org.dee, [org.bob], 10)
    run = draft(org.ann)
    commit(org.ann, run["id"])
    bonus.mark_paid(run["id"], now=NOW, actor=Actor(org.ann.id))
    bonus.mark_paid(run["id"], now=NOW, actor=Actor(org.ann.id))  # already paid: no change
    paid = [(user, details) for user, kind, details in notices() if kind == "bonus_paid"]
    assert paid == [
        (org.bob.id, {"run_id": run["id"], "points": 10, "amount_cents": 100, "currency": "EUR"})
    ]


def test_marking_read_touches_only_the_persons_own_unread_notices(engine_app):
    org = build_org()
    keyed_award(org, "k4")
    bob_notice = notifications_for(org.bob.id)[0]["id"]
    cy_notice = notifications_for(org.cy.id)[0]["id"]
    assert mark_read(org.bob.id, [bob_notice, cy_notice], NOW) == 1
    assert mark_read(org.bob.id, [bob_notice], NOW) == 0
    assert (unread_count(org.bob.id), unread_count(org.cy.id)) == (0, 1)
