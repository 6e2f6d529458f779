"""Service mix on a hand-built organisation: directions through the chain, the cross-department
part, kinds, customers, and the reach a manager's scope stops at."""

from __future__ import annotations

import pytest

from ledger.errors import NotFound
from ledger.queries.insights import insight_scope, service_mix
from ledger.services import reverse_award
from tests.factories import ADMIN_ACTOR, NOW, make_award
from tests.insights.org import build_org, give_known_awards


@pytest.fixture
def org(engine_app):
    people = build_org()
    give_known_awards(people)
    return people


def mix_for(viewer, **options):
    return service_mix(insight_scope(viewer, now=NOW, **options))


def by_name(rows, key="user"):
    return {row[key]["name"]: row for row in rows}


def test_directions_through_a_three_level_chain(org):
    people = by_name(mix_for(org["vic"])["people"])
    ian = people["Ian Ic"]
    assert ian["by_direction"] == {"up": 18, "down": 0, "lateral": 7}
    assert ian["awards_by_direction"] == {"up": 3, "down": 0, "lateral": 1}
    assert (ian["points"], ian["awards"], ian["customers"]) == (25, 4, 4)
    assert ian["by_kind"] == {"handoff": 3, "need": 15, "proactive": 7}
    assert ian["manager"]["name"] == "Lea Lead"
    assert ian["notes"] == []


def test_the_cross_department_part_and_its_share(org):
    people = by_name(mix_for(org["vic"])["people"])
    assert people["Ian Ic"]["cross_department"] == {"points": 10, "awards": 1, "share": 0.4}
    ivy = people["Ivy Ic"]
    assert ivy["cross_department"] == {"points": 12, "awards": 2, "share": 1.0}
    # Valued by Sales, not (yet) by anyone above her: the page prompts her managers.
    assert ivy["notes"] == ["unseen_by_managers"]
    assert (ivy["customers"], ivy["by_direction"]["lateral"]) == (1, 12)


def test_a_downward_service_is_counted_for_the_manager_served(org):
    people = by_name(mix_for(org["cleo"])["people"])
    assert people["Vic Vice"]["by_direction"] == {"up": 0, "down": 4, "lateral": 0}


def test_teams_and_departments_count_distinct_awards_and_customers(org):
    mix = mix_for(org["vic"])
    team, quiet = mix["teams"]
    assert (team["manager"]["name"], quiet["manager"]["name"]) == ("Lea Lead", "Vic Vice")
    # A team in scope that received nothing is listed with zeros: Lea is Vic's whole team.
    assert (quiet["people"], quiet["points"], quiet["by_direction"]["up"]) == (1, 0, 0)
    assert (team["people"], team["points"], team["awards"], team["customers"]) == (2, 37, 6, 5)
    assert team["by_kind"] == {"handoff": 3, "need": 21, "proactive": 13}
    (department,) = mix["departments"]
    assert department["department"]["name"] == "Engineering"
    assert (department["points"], department["people"]) == (37, 3)


def test_only_upward_service_is_noted(org):
    make_award(org["lea"], [org["ivy"]], points=1)
    only_up = make_award(org["vic"], [org["lea"]], points=2)
    people = by_name(mix_for(org["vic"])["people"])
    assert people["Lea Lead"]["notes"] == ["only_up"]
    assert "only_up" not in people["Ian Ic"]["notes"]
    assert only_up["lines"][0]["direction"] == "up"


def test_a_reversed_award_and_the_window_leave_figures(org):
    award = make_award(org["cleo"], [org["ivy"]], points=20)
    reverse_award(award["id"], reason="given by mistake", now=NOW, actor=ADMIN_ACTOR)
    ivy = by_name(mix_for(org["vic"])["people"])["Ivy Ic"]
    assert ivy["points"] == 12  # neither the reversed 20 nor the 9 of four months ago
    older = by_name(mix_for(org["vic"], since=NOW.date().replace(month=7, day=1))["people"])
    assert older["Ivy Ic"]["points"] == 21


def test_the_default_scope_is_the_callers_whole_reach(org):
    assert mix_for(org["vic"])["scope"] == f"team:{org['vic'].id}"
    names = set(by_name(mix_for(org["lea"])["people"]))
    assert names == {"Ian Ic", "Ivy Ic"}
    assert "Sam Sales" not in set(by_name(mix_for(org["vic"])["people"]))


@pytest.mark.parametrize(
    "scope", ["company", "team:{vic}", "team:{cleo}", "department:{sales}", "department"]
)
def test_a_manager_never_sees_beyond_their_subtree(org, scope):
    scope = scope.format(vic=org["vic"].id, cleo=org["cleo"].id, sales=org["sam"].department_id)
    with pytest.raises(NotFound):
        mix_for(org["lea"], scope=scope)


def test_a_department_wholly_within_reach_is_allowed(org):
    mix = mix_for(org["cleo"], scope=f"department:{org['sam'].department_id}")
    assert mix["people"] == [] and mix["departments"][0]["points"] == 0
    mix = mix_for(org["cleo"], scope=f"department:{org['ian'].department_id}")
    assert by_name(mix["people"]).keys() == {"Ian Ic", "Ivy Ic", "Vic Vice"}


def test_the_reach_check_is_what_refuses(org, monkeypatch):
    # Negative control: without the reach check the same request would be answered.
    monkeypatch.setattr("ledger.queries.insights.reach.covers", lambda viewer, members: True)
    assert mix_for(org["lea"], scope="company")["people"]
    assert mix_for(org["lea"], scope="department")["people"]  # her own, not all hers to see
