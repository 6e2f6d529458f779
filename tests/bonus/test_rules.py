"""The bonus-run rules as pure functions: rate, pool, caps, minimums and clawback netting."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.bonus import rules
from ledger.bonus.money import check_currency, major_units
from ledger.errors import ValidationFailed


def amounts(result):
    return {line.user_id: line.amount_cents for line in result.lines}


def people(*points):
    return [rules.Person(index + 1, count) for index, count in enumerate(points)]


def test_the_rate_rule_pays_points_times_the_rate():
    result = rules.compute(rules.Rule("rate", cents_per_point=25), people(10, 3))
    assert amounts(result) == {1: 250, 2: 75}


def test_the_rate_rule_caps_a_person_and_shows_the_forfeited_excess():
    result = rules.compute(rules.Rule("rate", cents_per_point=100, cap_cents=500), people(8, 2))
    first, second = result.lines
    assert (first.amount_cents, first.capped, first.forfeited_cents) == (500, True, 300)
    assert (second.amount_cents, second.capped, second.forfeited_cents) == (200, False, 0)


def test_a_pool_of_awkward_numbers_adds_up_exactly_by_largest_remainder():
    # 100 cents over 1:1:1 -> 33.33 each; the one leftover cent goes to the lowest id.
    result = rules.compute(rules.Rule("pool", pool_cents=100), people(5, 5, 5))
    assert amounts(result) == {1: 34, 2: 33, 3: 33}


def test_largest_remainder_prefers_the_larger_remainder_then_more_points():
    # 10 cents over 3:3:1 -> 4.286, 4.286, 1.429: floors 4+4+1, one cent left, remainders
    # .286 .286 .429 -> person 3 gets it.
    result = rules.compute(rules.Rule("pool", pool_cents=10), people(3, 3, 1))
    assert amounts(result) == {1: 4, 2: 4, 3: 2}
    # Equal remainders and equal points: the lower ids get the leftover cents.
    result = rules.compute(
        rules.Rule("pool", pool_cents=2),
        [rules.Person(9, 1), rules.Person(4, 1), rules.Person(7, 1)],
    )
    assert amounts(result) == {9: 0, 4: 1, 7: 1}


def test_caps_in_a_pool_spread_the_excess_over_the_uncapped_until_none_exceeds():
    # 1000 over 8:1:1 -> 800 is capped at 300; 700 over 1:1 -> 350 exceeds 300 too: all
    # capped at 300, 100 undistributed, which the preview says.
    result = rules.compute(rules.Rule("pool", pool_cents=1000, cap_cents=300), people(8, 1, 1))
    assert amounts(result) == {1: 300, 2: 300, 3: 300}
    assert result.all_capped and result.undistributed_cents == 100
    # With a looser cap the redistribution settles and the pool adds up exactly.
    result = rules.compute(rules.Rule("pool", pool_cents=1000, cap_cents=400), people(8, 1, 1))
    assert amounts(result) == {1: 400, 2: 300, 3: 300}
    assert not result.all_capped and result.undistributed_cents == 0


def test_people_below_the_minimum_are_left_out_and_the_pool_goes_to_the_others():
    result = rules.compute(rules.Rule("pool", pool_cents=900, min_points=5), people(4, 5, 10))
    assert amounts(result) == {1: 0, 2: 300, 3: 600}
    assert [line.below_minimum for line in result.lines] == [True, False, False]
    assert [line.eligible for line in result.lines] == [False, True, True]


def test_one_person_takes_the_whole_pool():
    assert amounts(rules.compute(rules.Rule("pool", pool_cents=12345), people(1))) == {1: 12345}


def test_zero_points_and_no_people_pay_nothing():
    result = rules.compute(rules.Rule("pool", pool_cents=100), [])
    assert result.lines == [] and result.undistributed_cents == 100
    result = rules.compute(rules.Rule("rate", cents_per_point=10), people(0))
    assert not result.lines[0].eligible and result.lines[0].amount_cents == 0


def test_a_clawback_is_netted_never_below_zero_and_the_rest_carries_over():
    result = rules.compute(
        rules.Rule("rate", cents_per_point=10),
        [rules.Person(1, 30, owed=12), rules.Person(2, 5, owed=20)],
    )
    first, second = result.lines
    assert (first.clawback_points, first.amount_cents) == (12, 180)
    assert (second.clawback_points, second.amount_cents, second.eligible) == (5, 0, True)


@given(
    points=st.lists(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=30),
    pool=st.integers(min_value=1, max_value=10**11),
    cap=st.none() | st.integers(min_value=1, max_value=10**11),
)
def test_pool_lines_always_sum_to_the_pool_unless_everyone_is_capped(points, pool, cap):
    result = rules.compute(rules.Rule("pool", pool_cents=pool, cap_cents=cap), people(*points))
    total = sum(amounts(result).values())
    if result.all_capped:
        assert total < pool and all(line.amount_cents == cap for line in result.lines)
    else:
        assert total == pool
    assert cap is None or max(amounts(result).values()) <= cap


def test_the_property_check_catches_naive_rounding(monkeypatch):
    # Negative control: rounding each share down on its own loses cents.
    def floor_only(points, pool, cap):
        weight = sum(points.values())
        return {u: pool * p // weight for u, p in points.items()}, dict.fromkeys(points, False)

    monkeypatch.setattr(rules, "pool_amounts", floor_only)
    result = rules.compute(rules.Rule("pool", pool_cents=100), people(1, 1, 1))
    assert sum(amounts(result).values()) != 100


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        (rules.Rule("bonus", cents_per_point=1), "rule.type"),
        (rules.Rule("rate", cents_per_point=0), "rule.cents_per_point"),
        (rules.Rule("rate", cents_per_point=10**6 + 1), "rule.cents_per_point"),
        (rules.Rule("pool", pool_cents=10**11 + 1), "rule.pool_cents"),
        (rules.Rule("rate", cents_per_point=1, cap_cents=0), "cap_cents"),
        (rules.Rule("rate", cents_per_point=1, min_points=-1), "min_points"),
        (rules.Rule("rate", cents_per_point=True), "rule.cents_per_point"),
    ],
)
def test_rules_outside_the_documented_ranges_are_refused(rule, field):
    with pytest.raises(ValidationFailed) as refused:
        rules.check_rule(rule)
    assert refused.value.details["field"] == field


def test_amounts_render_in_major_units_with_the_currency_decimals():
    assert major_units(123456, "EUR") == "1234.56"
    assert major_units(5, "USD") == "0.05"
    assert major_units(1234, "JPY") == "1234"
    assert major_units(1234, "KWD") == "1.234"
    assert check_currency("KRW") == "KRW"
    with pytest.raises(ValidationFailed):
        check_currency("eur")
