"""Bonus-run rules as pure functions: who is eligible and what each person's amount is."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from ledger.errors import ValidationFailed
from ledger.i18n import N_, Phrase

RULE_TYPES = ("rate", "pool")
MAX_CENTS_PER_POINT = 10**6
MAX_POOL_CENTS = 10**11
MAX_CAP_CENTS = 10**11
MAX_MIN_POINTS = 10**6
MAX_CUSTOMERS_K = 100
DEFAULT_CUSTOMERS_K = 3


@dataclass(frozen=True)
class Rule:
    """A run's rule: `rate` (minor units per point) or `pool` (a fixed sum), with limits."""

    type: str
    cents_per_point: int | None = None
    pool_cents: int | None = None
    cap_cents: int | None = None
    min_points: int = 0
    # Weight points by distinct internal customers: points x min(1, customers / k). None: off.
    customers_k: int | None = None


@dataclass(frozen=True)
class Person:
    """A person's unconverted points in the run, the clawback they still owe and how many
    distinct people gave them those points."""

    user_id: int
    points: int
    owed: int = 0
    customers: int = 0


@dataclass(frozen=True)
class Line:
    user_id: int
    points: int
    clawback_points: int
    amount_cents: int
    capped: bool
    forfeited_cents: int
    below_minimum: bool
    customers: int = 0
    # The points the amount is computed on, when the rule weights by customers; else None.
    effective_points: Fraction | None = None

    @property
    def eligible(self) -> bool:
        """Tell whether this person's award lines are converted by the run."""
        return not self.below_minimum and self.points > 0

    @property
    def net_points(self) -> int:
        return self.points - self.clawback_points


@dataclass(frozen=True)
class Result:
    lines: list[Line]
    undistributed_cents: int
    all_capped: bool


def net_clawback(points: int, owed: int) -> int:
    """Return the points withheld to settle a clawback: never more than the person has."""
    return max(0, min(points, owed))


def weighted(points: int, customers: int, k: int | None) -> Fraction | None:
    """Return points x min(1, customers / k) exactly, or None when the rule does not weight:
    ten customers count for more than one generous friend."""
    if k is None:
        return None
    return Fraction(points) * min(Fraction(1), Fraction(customers, k))


def compute(rule: Rule, people: list[Person]) -> Result:
    """Apply the rule to everyone in the run; people below the minimum (of raw points) get
    nothing now. With `customers_k` the amounts follow the weighted points, exactly."""
    bases = []
    for person in people:
        below = person.points < rule.min_points or person.points <= 0
        withheld = 0 if below else net_clawback(person.points, person.owed)
        effective = weighted(person.points - withheld, person.customers, rule.customers_k)
        bases.append((person, below, withheld, effective))
    paying = {
        p.user_id: p.points - w if effective is None else effective
        for p, below, w, effective in bases
        if not below
    }
    if rule.type == "rate":
        amounts, capped = rate_amounts(paying, rule.cents_per_point or 0, rule.cap_cents)
        undistributed, all_capped = 0, False
    else:
        amounts, capped = pool_amounts(paying, rule.pool_cents or 0, rule.cap_cents)
        undistributed = (rule.pool_cents or 0) - sum(amounts.values())
        all_capped = bool(paying) and undistributed > 0 and all(capped.values())
    lines = []
    for person, below, withheld, effective in bases:
        amount = amounts.get(person.user_id, 0)
        forfeited = 0
        if rule.type == "rate" and not below:
            forfeited = math.floor(paying[person.user_id] * (rule.cents_per_point or 0)) - amount
        lines.append(
            Line(
                user_id=person.user_id,
                points=person.points,
                clawback_points=withheld,
                amount_cents=amount,
                capped=capped.get(person.user_id, False),
                forfeited_cents=forfeited,
                below_minimum=below,
                customers=person.customers,
                effective_points=effective,
            )
        )
    return Result(lines, undistributed, all_capped)


def rate_amounts(
    points: dict[int, int | Fraction], cents_per_point: int, cap: int | None
) -> tuple[dict[int, int], dict[int, bool]]:
    """Pay points times the rate each, capped; the excess over the cap is forfeited.

    Weighted points can be fractions: the amount is rounded down to a whole minor unit.
    """
    amounts, capped = {}, {}
    for user_id, count in points.items():
        raw = math.floor(count * cents_per_point)
        capped[user_id] = cap is not None and raw > cap
        amounts[user_id] = min(raw, cap) if cap is not None else raw
    return amounts, capped


def pool_amounts(
    points: dict[int, int | Fraction], pool: int, cap: int | None
) -> tuple[dict[int, int], dict[int, bool]]:
    """Split the pool in proportion to points with caps, and round by largest remainder.

    Whoever's share reaches the cap gets the cap; the rest of the pool is shared again
    among the others, until no share reaches it. The remaining cents go one each by
    larger remainder, then more points, then lower user id, so the lines add up to the
    pool exactly unless everyone is capped.
    """
    amounts = {user_id: 0 for user_id in points}
    capped = {user_id: False for user_id in points}
    open_ids = {user_id for user_id, count in points.items() if count > 0}
    remaining = pool
    while open_ids:
        weight = sum(points[user_id] for user_id in open_ids)
        shares = {user_id: Fraction(remaining * points[user_id], weight) for user_id in open_ids}
        reached = {user_id for user_id, share in shares.items() if cap is not None and share >= cap}
        if not reached:
            floors = {
                user_id: share.numerator // share.denominator for user_id, share in shares.items()
            }
            leftover = remaining - sum(floors.values())
            order = sorted(
                open_ids,
                key=lambda user_id: (
                    -(shares[user_id] - floors[user_id]),
                    -points[user_id],
                    user_id,
                ),
            )
            for user_id in open_ids:
                amounts[user_id] = floors[user_id]
            for user_id in order[:leftover]:
                amounts[user_id] += 1
            break
        for user_id in reached:
            amounts[user_id] = cap
            capped[user_id] = True
            remaining -= cap
        open_ids -= reached
    return amounts, capped


def check_rule(rule: Rule) -> None:
    """Refuse a rule whose type or amounts are outside the documented ranges."""
    if rule.type not in RULE_TYPES:
        raise ValidationFailed(N_("The rule type must be rate or pool."), field="rule.type")
    if rule.type == "rate":
        _check_range(rule.cents_per_point, 1, MAX_CENTS_PER_POINT, "rule.cents_per_point")
        if rule.pool_cents is not None:
            raise ValidationFailed(N_("A rate rule takes no pool_cents."), field="rule.pool_cents")
    else:
        _check_range(rule.pool_cents, 1, MAX_POOL_CENTS, "rule.pool_cents")
        if rule.cents_per_point is not None:
            raise ValidationFailed(
                N_("A pool rule takes no cents_per_point."), field="rule.cents_per_point"
            )
    if rule.cap_cents is not None:
        _check_range(rule.cap_cents, 1, MAX_CAP_CENTS, "cap_cents")
    _check_range(rule.min_points, 0, MAX_MIN_POINTS, "min_points")
    if rule.customers_k is not None:
        _check_range(rule.customers_k, 1, MAX_CUSTOMERS_K, "customers_k")


def _check_range(value: object, low: int, high: int, field: str) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValidationFailed(
            Phrase(
                "{field} must be a whole number from {low} to {high}.",
                field=field,
                low=low,
                high=high,
            ),
            field=field,
        )
