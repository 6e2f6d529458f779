"""A hand-built organisation whose insights are known: a three-level chain and two departments.

Cleo (Leadership)
├── Vic (Engineering) ── Lea (Engineering) ──┬── Ian
│                                            └── Ivy
└── Sam (Sales)
"""

from __future__ import annotations

from datetime import timedelta

from tests.factories import NOW, make_award, make_user


def build_org() -> dict:
    """Create the people of the chart above and return them by first name."""
    cleo = make_user(name="Cleo Chief", role="manager", department="Leadership")
    vic = make_user(name="Vic Vice", role="manager", manager=cleo.email)
    lea = make_user(name="Lea Lead", role="manager", manager=vic.email)
    ian = make_user(name="Ian Ic", manager=lea.email)
    ivy = make_user(name="Ivy Ic", manager=lea.email)
    sam = make_user(name="Sam Sales", manager=cleo.email, department="Sales")
    return {"cleo": cleo, "vic": vic, "lea": lea, "ian": ian, "ivy": ivy, "sam": sam}


def give_known_awards(p: dict) -> None:
    """Give the awards whose service mix the tests state, plus some that must not count."""
    make_award(p["cleo"], [p["ian"]], points=10)  # up two levels, across departments
    make_award(p["vic"], [p["ian"]], points=5)  # up one level
    make_award(p["ivy"], [p["ian"]], points=7, kind="proactive")  # lateral
    make_award(p["lea"], [p["ian"]], points=3, kind="handoff")  # up
    make_award(p["ian"], [p["vic"]], points=4)  # down two levels
    make_award(p["sam"], [p["ivy"]], points=6)  # lateral, across departments
    make_award(p["sam"], [p["ivy"]], points=6, kind="proactive")
    # Outside the default window (the last three periods): never counted.
    make_award(p["cleo"], [p["ivy"]], points=9, now=NOW - timedelta(days=120))
