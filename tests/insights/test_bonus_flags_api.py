"""The bonus-run API's preview marks the people in a flagged ring or pair, as the page does."""

from __future__ import annotations

from ledger.bonus import rules, services
from ledger.operations import Actor
from tests.factories import NOW
from tests.insights.test_api import caller, org, plant_ring  # noqa: F401 (fixtures)


def draft(org):  # noqa: F811
    return services.create_draft(
        scope=f"team:{org['vic'].id}", since=None, until=None,
        rule=rules.Rule("rate", cents_per_point=10), currency="EUR", now=NOW,
        actor=Actor(org["vic"].id),
    ).document  # fmt: skip


def trading(caller, org, run_id):  # noqa: F811
    body = caller(org["vic"]).get(f"/api/v1/bonus-runs/{run_id}").json
    return {line["user"]["name"]: line["trading"] for line in body["lines"]}


def test_without_a_ring_no_line_is_marked(org, caller):  # noqa: F811
    flags = trading(caller, org, draft(org)["id"])
    assert flags and all(found == [] for found in flags.values())


def test_the_people_of_a_planted_ring_are_marked_with_the_others_named(org, caller):  # noqa: F811
    plant_ring(org)
    flags = trading(caller, org, draft(org)["id"])
    (ring,) = flags["Lea Lead"]
    assert ring["kind"] == "ring"
    assert [(p["id"], p["name"]) for p in ring["with"]] == [(org["ian"].id, "Ian Ic"),
                                                            (org["ivy"].id, "Ivy Ic")]  # fmt: skip
    assert [f["kind"] for f in flags["Ian Ic"]] == ["ring"]
