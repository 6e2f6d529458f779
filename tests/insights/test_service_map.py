"""Service map on the hand-built organisation: who serves whom between departments."""

from __future__ import annotations

import pytest

from ledger.queries.insights import insight_scope, service_map
from tests.factories import NOW, make_award
from tests.insights.org import build_org, give_known_awards


@pytest.fixture
def org(engine_app):
    people = build_org()
    give_known_awards(people)
    return people


def cell(found, giver, recipient):
    names = [d["name"] for d in found["departments"]]
    return found["points"][names.index(giver)][names.index(recipient)]


def test_the_matrix_holds_points_from_the_givers_to_the_recipients_department(org):
    found = service_map(insight_scope(org["cleo"], now=NOW))
    assert [d["name"] for d in found["departments"]] == ["Engineering", "Leadership", "Sales"]
    assert cell(found, "Leadership", "Engineering") == 10  # Cleo to Ian
    assert cell(found, "Sales", "Engineering") == 12  # Sam to Ivy, twice
    assert cell(found, "Engineering", "Engineering") == 19  # Vic, Ivy, Lea to Ian; Ian to Vic
    assert cell(found, "Engineering", "Sales") == 0
    assert found["top"] == 19


def test_flows_are_marked_one_way_or_two_way(org):
    make_award(org["ivy"], [org["sam"]], points=3)
    found = service_map(insight_scope(org["cleo"], now=NOW))
    ways = {
        tuple(d["name"] for d in flow["departments"]): (flow["way"], flow["points"])
        for flow in found["flows"]
    }
    assert ways == {
        ("Engineering", "Sales"): ("two-way", [3, 12]),
        ("Engineering", "Leadership"): ("one-way", [0, 10]),
    }


def test_a_manager_sees_the_flows_that_touch_their_people(org):
    make_award(org["sam"], [org["cleo"]], points=4)  # beyond Vic's reach on both sides
    found = service_map(insight_scope(org["vic"], now=NOW))
    assert cell(found, "Sales", "Engineering") == 12
    assert cell(found, "Sales", "Leadership") == 0
