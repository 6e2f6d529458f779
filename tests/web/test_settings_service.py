"""The admin settings services on both engines: rules from the next period, service kinds."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from ledger.db import db
from ledger.errors import NotFound, ValidationFailed
from ledger.models import AuditEvent, Policy
from ledger.queries.balances import balances
from ledger.queries.people import people_search
from ledger.queries.service_kinds import service_kinds
from ledger.services.settings import add_service_kind, update_policy, update_service_kind
from tests.factories import ADMIN_ACTOR, NOW, make_user

RULES = {
    "base_allowance": 200,
    "manager_boost": 20,
    "max_points_per_recipient": 40,
    "pair_cap": None,
    "period_length": "month",
}


def test_new_rules_start_with_the_next_month_and_are_audited(engine_app):
    person = make_user()
    document = update_policy(**RULES, now=NOW, actor=ADMIN_ACTOR).document
    assert document["effective_from"] == "2026-12-01"
    assert balances(person.id, NOW)["allowance_total"] == 100
    assert balances(person.id, NOW + timedelta(days=20))["allowance_total"] == 200
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "update_policy" in actions


def test_a_new_length_waits_for_the_next_quarter_and_later_changes_follow_it(engine_app):
    update_policy(**{**RULES, "period_length": "quarter"}, now=NOW, actor=ADMIN_ACTOR)
    later = update_policy(**{**RULES, "base_allowance": 300}, now=NOW, actor=ADMIN_ACTOR)
    # A change made while a later one is pending starts with it, so the newest wins.
    assert later.document["effective_from"] == "2027-01-01"
    starts = db.session.scalars(select(Policy.effective_from)).all()
    assert starts == [date(2027, 1, 1), date(2027, 1, 1)]


@pytest.mark.parametrize(
    "field, value",
    [
        ("base_allowance", -1),
        ("manager_boost", True),
        ("max_points_per_recipient", 0),
        ("pair_cap", 0),
        ("period_length", "week"),
    ],
)
def test_bad_rules_are_refused_and_nothing_is_written(engine_app, field, value):
    with pytest.raises(ValidationFailed) as refused:
        update_policy(**{**RULES, field: value}, now=NOW, actor=ADMIN_ACTOR)
    assert refused.value.details["field"] == field
    assert db.session.scalars(select(Policy)).first() is None


def test_service_kinds_are_added_renamed_retired_and_kept_on_offer(engine_app):
    add_service_kind(
        "mentoring", name="Mentoring", description="Taught me.", now=NOW, actor=ADMIN_ACTOR
    )
    assert "mentoring" in [kind["code"] for kind in service_kinds()]
    with pytest.raises(ValidationFailed):
        add_service_kind("mentoring", name="Again", description="Dup.", now=NOW, actor=ADMIN_ACTOR)
    with pytest.raises(ValidationFailed):
        add_service_kind("Bad Code", name="X", description="Y.", now=NOW, actor=ADMIN_ACTOR)
    update_service_kind(
        "mentoring",
        name="Coaching",
        description="Coached me.",
        active=False,
        now=NOW,
        actor=ADMIN_ACTOR,
    )
    assert "mentoring" not in [kind["code"] for kind in service_kinds()]
    with pytest.raises(NotFound):
        update_service_kind(
            "nope", name="X", description="Y.", active=True, now=NOW, actor=ADMIN_ACTOR
        )


def test_the_last_offered_kind_cannot_be_retired(engine_app):
    codes = [kind["code"] for kind in service_kinds()]
    for code in codes[:-1]:
        update_service_kind(
            code, name=code, description="Retired.", active=False, now=NOW, actor=ADMIN_ACTOR
        )
    with pytest.raises(ValidationFailed):
        update_service_kind(
            codes[-1], name="Last", description="Last.", active=False, now=NOW, actor=ADMIN_ACTOR
        )


def test_the_people_search_treats_wildcards_as_text(app):
    make_user(name="Ann Percent", department="R&D")
    make_user(name="Bob Plain", department="Sales")
    assert [person["name"] for person in people_search("%")] == []
    assert [person["name"] for person in people_search("r&d")] == ["Ann Percent"]
    assert len(people_search("")) == 2
