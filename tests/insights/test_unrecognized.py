"""Unrecognized and silent on the hand-built organisation, on both engines."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ledger.queries.insights import insight_scope, unrecognized
from ledger.services import reverse_award
from ledger.services.directory import deactivate_user
from tests.factories import ADMIN_ACTOR, NOW, make_award, make_user
from tests.insights.org import build_org, give_known_awards


@pytest.fixture
def org(engine_app):
    people = build_org()
    give_known_awards(people)
    people["nia"] = make_user(name="Nia New", manager=people["lea"].email, now=NOW - timedelta(200))
    make_award(people["ian"], [people["nia"]], points=4, now=NOW - timedelta(days=100))
    return people


def find(viewer, **options):
    return unrecognized(insight_scope(viewer, now=NOW, periods=2, **options))


def names(rows, key):
    return [(row["user"]["name"], row[key]) for row in rows]


def test_people_recognized_by_nobody_lately_come_with_their_last_date(org):
    found = find(org["vic"])
    assert found["since"].date().isoformat() == "2026-10-01" and found["people"] == 4
    assert names(found["unrecognized"], "last_recognized_at") == [
        ("Lea Lead", None),  # never: listed first
        ("Nia New", NOW - timedelta(days=100)),
    ]
    assert found["unrecognized"][1]["manager"]["name"] == "Lea Lead"


def test_people_who_gave_nothing_in_the_window(org):
    assert names(find(org["vic"])["silent"], "last_given_at") == [("Nia New", None)]
    assert names(find(org["cleo"])["silent"], "last_given_at") == [("Nia New", None)]


def test_a_longer_window_reaches_older_recognition(org):
    found = unrecognized(insight_scope(org["vic"], now=NOW, periods=6))
    assert [row["user"]["name"] for row in found["unrecognized"]] == ["Lea Lead"]


def test_a_reversed_award_is_no_recognition(org):
    award = make_award(org["vic"], [org["lea"]], points=5)
    assert "Lea Lead" not in [r["user"]["name"] for r in find(org["vic"])["unrecognized"]]
    reverse_award(award["id"], reason="given by mistake", now=NOW, actor=ADMIN_ACTOR)
    assert names(find(org["vic"])["unrecognized"], "last_recognized_at")[0] == ("Lea Lead", None)


def test_inactive_people_and_people_beyond_reach_are_not_listed(org):
    deactivate_user(org["nia"].id, now=NOW, actor=ADMIN_ACTOR)
    everyone = {r["user"]["name"] for r in find(org["cleo"])["unrecognized"]}
    assert everyone == {"Lea Lead", "Sam Sales"}  # Cleo's reach leaves Cleo out
    assert "Sam Sales" not in {r["user"]["name"] for r in find(org["vic"])["unrecognized"]}
