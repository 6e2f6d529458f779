"""Add-ons ("+5, me too") and a giver's undo, through the services, on both engines."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from ledger.db import db
from ledger.errors import (
    AddOnToAddOn,
    AddOnToOwnAward,
    AlreadyAddedTo,
    AlreadyConverted,
    AlreadyReversed,
    InsufficientAllowance,
    NotFound,
    NotTheGiver,
    PairCapReached,
    RecipientInactive,
    SelfAward,
    ValidationFailed,
    WithdrawalWindowPassed,
)
from ledger.models import Period
from ledger.operations import Actor, IdempotencyKey
from ledger.periods import period_at
from ledger.queries.balances import balances
from ledger.queries.feed import award_by_id
from ledger.reconciliation import verify_ledger
from ledger.services import add_to_award, reverse_award, withdraw_award
from ledger.services.directory import deactivate_user
from tests.bonus.helpers import commit, draft
from tests.factories import ADMIN_ACTOR, NOW, make_award, make_user


@pytest.fixture
def org(engine_app):
    ann = make_user(role="manager", name="Ann Manager")
    return {
        "ann": ann,
        "bob": make_user(name="Bob", manager=ann.email),
        "cy": make_user(name="Cy", manager=ann.email),
        "dee": make_user(name="Dee", department="Sales"),
        "eve": make_user(name="Eve", department="Sales"),
    }


def add(award_id, adder, points=5, message="", now=NOW, **extra):
    return add_to_award(award_id, giver=adder.id, points=points, message=message, now=now,
                        actor=Actor(adder.id), **extra)  # fmt: skip


def withdraw(award_id, giver, now=NOW, **extra):
    return withdraw_award(award_id, now=now, actor=Actor(giver.id), **extra)


def earned(person) -> int:
    return balances(person.id, NOW)["earned_unconverted"]


def left(person) -> int:
    return balances(person.id, NOW)["allowance_remaining"]


def test_an_add_on_pays_each_recipient_from_the_adders_allowance(org):
    award = make_award(org["dee"], [org["bob"], org["cy"]], points=10)
    added = add(award["id"], org["eve"], points=5, message="Me too!").document
    assert added["add_on_to"] == award["id"]
    assert [line["recipient"]["id"] for line in added["lines"]] == [org["bob"].id, org["cy"].id]
    assert (added["points_total"], added["service_kind"]) == (10, award["service_kind"])
    assert (left(org["eve"]), earned(org["bob"]), earned(org["cy"])) == (90, 15, 15)
    shown = award_by_id(award["id"])
    assert [(a["giver"]["id"], a["points"], a["message"]) for a in shown["add_ons"]] == [
        (org["eve"].id, 5, "Me too!")
    ]
    assert (shown["points_total"], shown["points_with_add_ons"]) == (20, 30)
    assert verify_ledger()["ok"]


def test_a_reversed_add_on_leaves_the_total(org):
    award = make_award(org["dee"], [org["bob"]], points=10)
    added = add(award["id"], org["eve"], points=7).document
    reverse_award(added["id"], reason="Added by mistake", now=NOW, actor=ADMIN_ACTOR)
    shown = award_by_id(award["id"])
    assert shown["add_ons"][0]["reversed"] is True
    assert shown["points_with_add_ons"] == 10


@pytest.mark.parametrize(
    ("who", "error"),
    [("dee", AddOnToOwnAward), ("bob", SelfAward)],
)
def test_neither_the_giver_nor_a_recipient_adds_on(org, who, error):
    award = make_award(org["dee"], [org["bob"]])
    with pytest.raises(error):
        add(award["id"], org[who])
    assert award_by_id(award["id"])["add_ons"] == []


def test_an_add_on_obeys_the_award_rules(org):
    award = make_award(org["dee"], [org["bob"], org["cy"]])
    with pytest.raises(ValidationFailed, match="between 1 and 50"):
        add(award["id"], org["eve"], points=51)
    add(award["id"], org["eve"], points=50)  # two recipients: Eve's whole 100
    with pytest.raises(InsufficientAllowance):
        add(award["id"], org["eve"], points=1, now=NOW + timedelta(seconds=1))
    with pytest.raises(ValidationFailed, match="message"):
        add(award["id"], org["ann"], points=1, message="x" * 1001)
    with pytest.raises(NotFound):
        add(award["id"] + 99, org["ann"])
    assert verify_ledger()["ok"]


def test_an_add_on_counts_toward_the_pair_cap(org):
    period = period_at(NOW)
    db.session.execute(update(Period).where(Period.id == period.id).values(pair_cap=8))
    db.session.commit()
    award = make_award(org["dee"], [org["bob"]], points=5)
    add(award["id"], org["eve"], points=8)
    with pytest.raises(PairCapReached):
        add(award["id"], org["eve"], points=1, now=NOW + timedelta(seconds=1))


def test_no_add_on_to_a_reversed_award_or_to_an_add_on(org):
    award = make_award(org["dee"], [org["bob"]])
    added = add(award["id"], org["eve"]).document
    with pytest.raises(AddOnToAddOn):
        add(added["id"], org["ann"])
    reverse_award(award["id"], reason="Wrong person", now=NOW, actor=ADMIN_ACTOR)
    with pytest.raises(AlreadyReversed):
        add(award["id"], org["ann"])
    assert len(award_by_id(award["id"])["add_ons"]) == 1


def test_no_add_on_for_a_recipient_who_left(org):
    award = make_award(org["dee"], [org["bob"]])
    deactivate_user(org["bob"].id, now=NOW, actor=ADMIN_ACTOR)
    with pytest.raises(RecipientInactive):
        add(award["id"], org["eve"])


def test_an_add_on_is_idempotent(org):
    award = make_award(org["dee"], [org["bob"]])
    key = IdempotencyKey(f"user:{org['eve'].id}", "k-add", "hash")
    first = add(award["id"], org["eve"], idempotency=key)
    again = add(award["id"], org["eve"], idempotency=key)
    assert again.replayed and again.document == first.document
    assert earned(org["bob"]) == 15


def test_the_giver_withdraws_within_ten_minutes(org):
    award = make_award(org["dee"], [org["bob"], org["cy"]], points=10)
    result = withdraw(award["id"], org["dee"], now=NOW + timedelta(minutes=10))
    assert result.document["reason"] == "withdrawn by the giver"
    assert result.document["points_returned"] == 20
    assert (left(org["dee"]), earned(org["bob"])) == (100, 0)
    shown = award_by_id(award["id"])
    assert (shown["reversed"], shown["reversal_reason"]) == (True, "withdrawn by the giver")
    with pytest.raises(AlreadyReversed):
        withdraw(award["id"], org["dee"])
    assert verify_ledger()["ok"]


def test_after_ten_minutes_only_an_admin_reverses(org):
    award = make_award(org["dee"], [org["bob"]])
    late = NOW + timedelta(minutes=10, seconds=1)
    with pytest.raises(WithdrawalWindowPassed):
        withdraw(award["id"], org["dee"], now=late)
    reverse_award(award["id"], reason="Asked by the giver", now=late, actor=ADMIN_ACTOR)
    assert earned(org["bob"]) == 0


def test_only_the_giver_withdraws(org):
    award = make_award(org["dee"], [org["bob"]])
    for someone in ("bob", "eve", "ann"):
        with pytest.raises(NotTheGiver):
            withdraw(award["id"], org[someone])
    assert award_by_id(award["id"])["reversed"] is False


def test_an_award_added_to_cannot_be_withdrawn_until_the_add_on_is_gone(org):
    award = make_award(org["dee"], [org["bob"]])
    added = add(award["id"], org["eve"]).document
    with pytest.raises(AlreadyAddedTo):
        withdraw(award["id"], org["dee"])
    assert award_by_id(award["id"])["reversed"] is False
    withdraw(added["id"], org["eve"])  # the add-on is the adder's own award to undo
    withdraw(award["id"], org["dee"])
    assert earned(org["bob"]) == 0
    assert verify_ledger()["ok"]


def test_a_converted_award_cannot_be_withdrawn(org):
    award = make_award(org["dee"], [org["bob"]])
    commit(org["ann"], draft(org["ann"])["id"])
    with pytest.raises(AlreadyConverted):
        withdraw(award["id"], org["dee"])
    assert award_by_id(award["id"])["reversed"] is False
    assert verify_ledger()["ok"]
