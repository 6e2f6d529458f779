"""Reciprocity and rings: a planted ring and a planted reciprocal pair are flagged, near misses
are not; on both engines."""

from __future__ import annotations

import pytest

from ledger.queries.insights import flags_by_person, insight_scope, reciprocity
from ledger.queries.insights.reciprocity import Thresholds, trading
from ledger.services import reverse_award
from tests.factories import ADMIN_ACTOR, NOW, make_award, make_user

NAMES = ["Pam", "Pat", "Nat", "Ned", "Kim", "Kai", "Otto", "Rae", "Rob", "Ria", "Liv", "Lou",
         "Lia"]  # fmt: skip


@pytest.fixture
def org(engine_app):
    mo = make_user(name="Mo Manager", role="manager")
    zed = make_user(name="Zed Other", role="manager")
    people = {"mo": mo, "zed": zed}
    for name in NAMES:
        people[name] = make_user(name=name, manager=(zed if name == "Lia" else mo).email)
    p = people

    def give(giver, recipient, times, points):
        return [make_award(p[giver], [p[recipient]], points=points) for _ in range(times)]

    give("Pam", "Pat", 3, 5)  # the planted pair: three round trips, all either receives
    give("Pat", "Pam", 3, 5)
    give("Nat", "Ned", 2, 5)  # near miss: two round trips only
    give("Ned", "Nat", 2, 5)
    give("Kim", "Kai", 3, 2)  # near miss: three round trips, a small share of their points
    give("Kai", "Kim", 3, 2)
    give("Otto", "Kim", 1, 30)
    give("Otto", "Kai", 1, 30)
    p["ring_edge"] = give("Rae", "Rob", 2, 10)  # the planted ring
    give("Rob", "Ria", 2, 10)
    give("Ria", "Rae", 2, 10)
    give("Liv", "Lou", 2, 10)  # near miss: one edge has a single award
    give("Lou", "Lia", 2, 10)
    give("Lia", "Liv", 1, 10)
    give("Ria", "Rob", 2, 5)  # a cycle in a close team that is no ring: see below
    give("Rob", "Kim", 2, 5)
    give("Kim", "Ria", 2, 5)
    return people


def found(viewer):
    return reciprocity(insight_scope(viewer, now=NOW))


def names(rows):
    return [[person["name"] for person in row["people"]] for row in rows]


def test_the_planted_pair_is_flagged_and_the_near_misses_are_not(org):
    result = found(org["mo"])
    assert names(result["pairs"]) == [["Pam", "Pat"]]
    (pair,) = result["pairs"]
    assert (pair["round_trips"], pair["awards"], pair["points"], pair["shares"]) == (
        3, [3, 3], [15, 15], [1.0, 1.0],
    )  # fmt: skip


def test_the_planted_ring_is_flagged_and_the_near_miss_is_not(org):
    (ring,) = found(org["mo"])["rings"]
    assert [person["name"] for person in ring["people"]] == ["Rae", "Rob", "Ria"]
    assert (ring["awards"], ring["points"], ring["shares"]) == ([2, 2, 2], [20, 20, 20],
                                                                 [0.6667, 0.6667, 1.0])  # fmt: skip


def test_a_cycle_that_carries_little_of_one_member_s_points_is_no_ring(org):
    # Rob → Kim → Ria → Rob closes a cycle of two awards a step, and a third of Rob's points
    # come from Ria; but Kim gets most of hers elsewhere (Otto), so nothing goes round.
    rings = found(org["mo"])["rings"]
    assert all("Kim" not in [p["name"] for p in ring["people"]] for ring in rings)
    window = insight_scope(org["mo"], now=NOW).window
    _, loose = trading(window, Thresholds(ring_share=0.2))
    assert len(loose) == 2  # with a lower bar it would be flagged: the share decides


def test_a_reversed_award_can_unmake_a_ring(org):
    reverse_award(org["ring_edge"][0]["id"], reason="mistake", now=NOW, actor=ADMIN_ACTOR)
    assert found(org["mo"])["rings"] == []


def test_the_thresholds_decide(org):
    window = insight_scope(org["mo"], now=NOW).window
    pairs, rings = trading(window, Thresholds(round_trips=2, pair_share=0.1, ring_awards=1))
    assert len(pairs) == 4  # Nat-Ned, Kim-Kai and Rob-Ria join Pam-Pat
    assert len(rings) == 2  # Liv's ring joins Rae's


def test_a_manager_sees_what_involves_their_people_with_every_member_named(org):
    assert names(found(org["zed"])["rings"]) == []  # Lia's near miss is no ring
    assert found(org["zed"])["pairs"] == []
    admin = make_user(name="Ada Admin", role="admin")
    assert len(found(admin)["rings"]) == 1


def test_the_flags_beside_people_in_a_bonus_preview(org):
    window = insight_scope(org["mo"], now=NOW).window
    ids = [org[name].id for name in ("Pam", "Rob", "Kim")]
    flags = flags_by_person(window, ids)
    named = {person: [(flag["kind"], [other["name"] for other in flag["with"]]) for flag in found]
             for person, found in flags.items()}  # fmt: skip
    assert named == {
        org["Pam"].id: [("pair", ["Pat"])],
        org["Rob"].id: [("ring", ["Rae", "Ria"])],
    }
    assert flags[org["Pam"].id][0]["with"][0]["id"] == org["Pat"].id


def test_the_demo_organisation_holds_one_planted_ring_that_is_flagged(app):
    from ledger.demo import RING, seed_demo
    from ledger.queries.people import user_by_email

    seed_demo(now=NOW)
    omar = user_by_email("omar.haddad@baton.example")
    result = found(omar)
    assert [[p["name"] for p in ring["people"]] for ring in result["rings"]] == [list(RING)]
    everyone = found(user_by_email("maya.lindqvist@baton.example"))
    assert len(everyone["rings"]) == 1
