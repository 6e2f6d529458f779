"""Participation and budget on the hand-built organisation, on both engines.

Vic's reach is Lea, Ian and Ivy: team of Vic = [Lea], team of Lea = [Ian, Ivy]. Allowances:
100 each, plus 10 per active report (Lea 120). October is opened, Lea gives 20 and the rest
expires at its close; November is opened and the known awards (tests/insights/org.py) are
given, so in November Lea gave 3, Ivy 7 and Ian 4.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from ledger.errors import NotFound, ValidationFailed
from ledger.queries.insights.participation import participation
from ledger.services import close_period, open_period, reverse_award, top_up
from tests.factories import ADMIN_ACTOR, NOW, make_award
from tests.insights.org import build_org, give_known_awards

OCTOBER = NOW - timedelta(days=30)


@pytest.fixture
def org(engine_app):
    people = build_org()
    open_period("2026-10", now=OCTOBER, actor=ADMIN_ACTOR)
    make_award(people["lea"], [people["ian"]], points=20, now=OCTOBER)
    close_period("2026-10", now=NOW, actor=ADMIN_ACTOR)
    open_period("2026-11", now=NOW, actor=ADMIN_ACTOR)
    give_known_awards(people)  # with one award in July, which the trend shows
    return people


def budget(granted, spent, expired):
    return {"granted": granted, "spent": spent, "expired": expired,
            "left": granted - spent - expired}  # fmt: skip


def test_this_period_per_team_and_department(org):
    found = participation(org["vic"], now=NOW)
    assert (found["scope"], found["period"]) == (f"team:{org['vic'].id}", "2026-11")
    assert found["since"].date().isoformat() == "2026-11-01"
    by_team = {row["manager"]["name"]: row for row in found["teams"]}
    assert list(by_team) == ["Lea Lead", "Vic Vice"]
    lea_team, vic_team = by_team["Lea Lead"], by_team["Vic Vice"]
    assert (lea_team["people"], lea_team["gave"], lea_team["received"]) == (2, 2, 2)
    assert (vic_team["people"], vic_team["gave"], vic_team["received"]) == (1, 1, 0)
    assert (vic_team["gave_share"], vic_team["received_share"]) == (1.0, 0.0)
    assert lea_team["allowance"] == budget(200, 11, 0)  # Ian 4 (to Vic, outside), Ivy 7
    assert vic_team["allowance"] == budget(120, 3, 0)
    (engineering,) = found["departments"]
    assert engineering["department"]["name"] == "Engineering" and engineering["people"] == 3
    assert found["total"] == {
        "people": 3, "gave": 3, "received": 2, "gave_share": 1.0, "received_share": 0.6667,
        "allowance": budget(320, 14, 0),
    }  # fmt: skip


def test_a_closed_period_shows_what_expired(org):
    found = participation(org["vic"], now=NOW, period="2026-10")
    assert found["total"]["allowance"] == budget(320, 20, 300)
    assert (found["total"]["gave"], found["total"]["received"]) == (1, 1)


def test_the_trend_covers_six_periods_oldest_first(org):
    trend = participation(org["vic"], now=NOW)["trend"]
    assert [row["period"] for row in trend] == [
        "2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11",
    ]  # fmt: skip
    july = trend[1]  # Cleo (outside the scope) gave Ivy 9: Ivy received; no one here gave
    assert (july["gave"], july["received"], july["allowance"]) == (0, 1, budget(0, 0, 0))
    assert trend[4]["allowance"] == budget(320, 20, 300)
    assert trend[0] == {"period": "2026-06", "people": 3, "gave": 0, "received": 0,
                        "gave_share": 0.0, "received_share": 0.0,
                        "allowance": budget(0, 0, 0)}  # fmt: skip


def test_a_reversal_gives_the_points_back_and_the_gift_is_not_counted(org):
    award = make_award(org["ivy"], [org["lea"]], points=5)
    before = participation(org["vic"], now=NOW)["total"]
    assert (before["received"], before["allowance"]["spent"]) == (3, 19)
    reverse_award(award["id"], reason="given by mistake", now=NOW, actor=ADMIN_ACTOR)
    after = participation(org["vic"], now=NOW)["total"]
    assert (after["received"], after["allowance"]) == (2, budget(320, 14, 0))


def test_a_top_up_is_granted_allowance(org):
    top_up(org["ian"].id, points=15, reason="hack week", now=NOW, actor=ADMIN_ACTOR)
    assert participation(org["vic"], now=NOW)["total"]["allowance"]["granted"] == 335


def test_people_outside_the_scope_never_count(org):
    lea_only = participation(org["vic"], now=NOW, scope=f"team:{org['lea'].id}")
    assert [row["manager"]["name"] for row in lea_only["teams"]] == ["Lea Lead"]
    assert lea_only["total"]["allowance"] == budget(200, 11, 0)
    # Cleo's reach adds Vic and Sam: Sales appears, and Cleo's own allowance never does.
    cleo = participation(org["cleo"], now=NOW)
    assert [row["department"]["name"] for row in cleo["departments"]] == ["Engineering", "Sales"]
    assert cleo["total"]["allowance"]["granted"] == 320 + 110 + 100


def test_a_scope_beyond_reach_or_a_bad_period_is_refused(org):
    with pytest.raises(NotFound):
        participation(org["lea"], now=NOW, scope=f"team:{org['cleo'].id}")
    with pytest.raises(ValidationFailed):
        participation(org["vic"], now=NOW, period="2026-13")
