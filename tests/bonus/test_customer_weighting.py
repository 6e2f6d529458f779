"""The customers rule: effective points = points x min(1, customers / k), exactly, with the
pool's largest-remainder rounding, in the rules and through the service, API, web and CLI."""

from fractions import Fraction

import pytest

from ledger.bonus import rules
from ledger.errors import ValidationFailed

RATE = rules.Rule("rate", cents_per_point=50, customers_k=3)


def person(user_id, points, customers, owed=0):
    return rules.Person(user_id, points, owed, customers)


def by_id(result):
    return {line.user_id: line for line in result.lines}


def test_ten_customers_count_for_more_than_one_generous_friend():
    lines = by_id(rules.compute(RATE, [person(1, 10, 1), person(2, 10, 3), person(3, 10, 5),
                                       person(4, 9, 2)]))  # fmt: skip
    assert {i: line.effective_points for i, line in lines.items()} == {
        1: Fraction(10, 3), 2: 10, 3: 10, 4: 6,
    }  # fmt: skip
    # 500/3 = 166.67 is rounded down to a whole cent; the others are exact.
    assert {i: line.amount_cents for i, line in lines.items()} == {1: 166, 2: 500, 3: 500, 4: 300}
    assert [line.points for line in lines.values()] == [10, 10, 10, 9]  # raw points kept
    assert all(line.forfeited_cents == 0 for line in lines.values())  # weighting is no cap


def test_without_the_option_points_are_not_weighted():  # the negative control
    plain = rules.Rule("rate", cents_per_point=50)
    lines = by_id(rules.compute(plain, [person(1, 10, 1), person(2, 10, 3)]))
    assert [(line.amount_cents, line.effective_points) for line in lines.values()] == [
        (500, None), (500, None),
    ]  # fmt: skip


def test_a_pool_splits_by_weighted_points_and_adds_up_exactly():
    # Weights 10/3, 10, 10 of 1000 cents: 142.86, 428.57, 428.57 -> floors 998; the two
    # cents left go to the larger remainder (person 1), then to the lower id of a tie.
    pool = rules.Rule("pool", pool_cents=1000, customers_k=3)
    result = rules.compute(pool, [person(1, 10, 1), person(2, 10, 3), person(3, 10, 4)])
    assert {line.user_id: line.amount_cents for line in result.lines} == {1: 143, 2: 429, 3: 428}
    assert result.undistributed_cents == 0


def test_a_capped_pool_shares_the_rest_by_weighted_points():
    pool = rules.Rule("pool", pool_cents=1000, cap_cents=400, customers_k=3)
    result = rules.compute(pool, [person(1, 10, 1), person(2, 10, 3), person(3, 10, 4)])
    assert {line.user_id: (line.amount_cents, line.capped) for line in result.lines} == {
        1: (200, False), 2: (400, True), 3: (400, True),
    }  # fmt: skip


def test_a_capped_rate_forfeits_only_the_excess_of_the_weighted_amount():
    rule = rules.Rule("rate", cents_per_point=50, cap_cents=300, customers_k=3)
    lines = by_id(rules.compute(rule, [person(1, 10, 3), person(2, 10, 1)]))
    assert (lines[1].amount_cents, lines[1].forfeited_cents) == (300, 200)
    assert (lines[2].amount_cents, lines[2].capped, lines[2].forfeited_cents) == (166, False, 0)


def test_clawback_is_withheld_from_raw_points_before_weighting():
    rule = rules.Rule("rate", cents_per_point=100, customers_k=2)
    (line,) = rules.compute(rule, [person(1, 10, 1, owed=4)]).lines
    assert (line.clawback_points, line.effective_points, line.amount_cents) == (4, 3, 300)


def test_the_minimum_is_of_raw_points():
    rule = rules.Rule("rate", cents_per_point=10, min_points=10, customers_k=3)
    (line,) = rules.compute(rule, [person(1, 10, 1)]).lines
    assert not line.below_minimum and line.amount_cents == 33


@pytest.mark.parametrize("k", [0, 101, True, "3"])
def test_k_out_of_range_is_refused(k):
    with pytest.raises(ValidationFailed) as refused:
        rules.check_rule(rules.Rule("rate", cents_per_point=1, customers_k=k))
    assert "customers_k" in refused.value.message
