"""The pure award rules, without an app or a database."""

import pytest

from ledger import calendar, rules
from ledger.errors import (
    DuplicateRecipient,
    ManagerIneligible,
    PairCapReached,
    SelfAward,
    ValidationFailed,
)

KINDS = ["need", "proactive", "handoff", "lead-time"]


def request(**changes):
    values = {
        "giver_id": 1,
        "recipient_ids": (2,),
        "points": 10,
        "message": "Thanks for the clean hand-off",
        "service_kind": "handoff",
    }
    values.update(changes)
    return rules.AwardRequest(**values)


def check(req, max_points=50):
    rules.check_award_shape(req, max_points=max_points, service_kinds=KINDS)


def test_a_well_formed_award_passes():
    check(request())


@pytest.mark.parametrize("recipients", [(), tuple(range(2, 23))])
def test_recipient_count_must_be_between_one_and_twenty(recipients):
    with pytest.raises(ValidationFailed, match="recipients"):
        check(request(recipient_ids=recipients))


def test_twenty_recipients_are_allowed():
    check(request(recipient_ids=tuple(range(2, 22))))


def test_giving_to_yourself_is_refused_and_names_the_index():
    with pytest.raises(SelfAward) as caught:
        check(request(recipient_ids=(5, 1)))
    assert caught.value.details == {"index": 1}


def test_a_recipient_named_twice_is_refused_at_its_second_place():
    rules.check_named_once([2, 3], ["Ben", "Sam"])
    with pytest.raises(DuplicateRecipient, match="Ben is named twice") as caught:
        rules.check_named_once([2, 3, 2], ["Ben", "Sam", "Ben"])
    assert caught.value.details["index"] == 2


@pytest.mark.parametrize("points", [0, -1, 51, 10**30, True, 5.5, "5"])
def test_points_outside_one_to_the_maximum_or_not_integers_are_refused(points):
    with pytest.raises(ValidationFailed):
        check(request(points=points))


def test_the_maximum_comes_from_the_period():
    check(request(points=80), max_points=80)
    with pytest.raises(ValidationFailed):
        check(request(points=81), max_points=80)


@pytest.mark.parametrize("message", ["", "too short", " " * 20, "x" * 1001])
def test_messages_must_have_ten_to_a_thousand_characters(message):
    with pytest.raises(ValidationFailed, match="message"):
        check(request(message=message))


def test_an_unknown_service_kind_is_refused():
    with pytest.raises(ValidationFailed, match="service kind"):
        check(request(service_kind="bribery"))


def test_the_giver_pays_the_points_for_each_recipient():
    assert rules.award_cost(15, 4) == 60


def test_the_pair_cap_counts_what_was_already_given():
    rules.check_pair_cap(already_given=20, points=10, cap=30, recipient_id=2)
    rules.check_pair_cap(already_given=100, points=10, cap=None, recipient_id=2)
    with pytest.raises(PairCapReached):
        rules.check_pair_cap(already_given=21, points=10, cap=30, recipient_id=2)


@pytest.mark.parametrize(
    ("recipient_chain", "giver_chain", "expected"),
    [
        ([1, 9], [], "up"),  # the giver manages the recipient (transitively)
        ([9], [2, 9], "down"),  # the recipient manages the giver
        ([9], [8], "lateral"),
        ([], [], "lateral"),
    ],
)
def test_direction_follows_the_management_chain(recipient_chain, giver_chain, expected):
    assert rules.direction(1, 2, recipient_chain, giver_chain) == expected


def test_the_allowance_is_base_plus_a_boost_per_active_report():
    assert rules.allowance_entitlement(100, 10, 0) == 100
    assert rules.allowance_entitlement(100, 10, 7) == 170


@pytest.mark.parametrize(
    ("kind", "active", "holds"),
    [("person", True, True), ("person", False, False), ("bot", True, False),
     ("service", True, False)],
)  # fmt: skip
def test_only_an_active_person_holds_an_allowance_or_may_manage(kind, active, holds):
    assert rules.holds_allowance(kind, active) is holds
    assert (rules.allowance_entitlement(100, 10, 3, kind=kind, active=active) > 0) is holds
    if holds:
        rules.check_manager_eligible("Ann", kind, active)
    else:
        with pytest.raises(ManagerIneligible, match="cannot be anyone's manager") as refused:
            rules.check_manager_eligible("Ann", kind, active)
        assert refused.value.details["field"] == "manager_id"


@pytest.mark.parametrize(
    ("moment", "zone", "length", "key"),
    [
        ("2026-11-30T23:30:00+00:00", "UTC", "month", "2026-11"),
        ("2026-11-30T23:30:00+00:00", "Europe/Berlin", "month", "2026-12"),
        ("2026-12-31T20:00:00+00:00", "America/New_York", "quarter", "2026-Q4"),
        ("2027-01-01T00:00:00+00:00", "UTC", "quarter", "2027-Q1"),
    ],
)
def test_a_moment_belongs_to_the_period_of_its_local_date(moment, zone, length, key):
    from datetime import datetime

    assert calendar.period_key(datetime.fromisoformat(moment), zone, length) == key


def test_period_bounds_are_local_midnights_in_utc():
    start, end = calendar.period_bounds("2026-Q4", "Europe/Berlin")
    assert start.isoformat() == "2026-09-30T22:00:00+00:00"
    assert end.isoformat() == "2026-12-31T23:00:00+00:00"


@pytest.mark.parametrize("key", ["2026-13", "2026-Q5", "26-11", "2026-1", "garbage"])
def test_malformed_period_keys_are_refused(key):
    assert not calendar.is_period_key(key)
    with pytest.raises(ValueError):
        calendar.period_dates(key)
