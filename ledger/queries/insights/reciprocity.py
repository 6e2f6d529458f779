"""Reciprocity and rings: pairs who award each other back and forth, and short cycles
(A→B→C→A) that carry a large share of their people's points. Flagged, never blocked.

A ring asks the share of every member, not of someone: in a small team that thanks each
other often, one heavy edge closes many cycles (the demo organisation had six), while
points that go round carry a large part of what each of the three received.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from ledger.db import db
from ledger.documents import user_reference
from ledger.models import AwardLine, Reversal, User
from ledger.queries.insights.reach import InsightScope
from ledger.queries.leaderboard import Window


@dataclass(frozen=True)
class Thresholds:
    """When a pair or a ring is flagged (the issue's defaults)."""

    round_trips: int = 3  # awards each way, at least
    pair_share: float = 0.30  # of either person's points in the window
    ring_awards: int = 2  # awards on every edge of the cycle, at least
    ring_share: float = 0.30  # of every member's points, received from inside the ring

    def document(self) -> dict[str, Any]:
        return dict(self.__dict__)


DEFAULTS = Thresholds()


@dataclass
class Flow:
    """The unreversed awards and points from one person to another in a window."""

    awards: int = 0
    points: int = 0


def flows(window: Window) -> tuple[dict[tuple[int, int], Flow], dict[int, int]]:
    """Return every giver→recipient flow in the window and each recipient's points."""
    line = AwardLine
    query = (
        select(line.giver_id, line.recipient_id, func.count(func.distinct(line.award_id)),
               func.sum(line.points))
        .outerjoin(Reversal, Reversal.award_id == line.award_id)
        .where(Reversal.id.is_(None), line.created_at >= window.since,
               line.created_at < window.until)
        .group_by(line.giver_id, line.recipient_id)
    )  # fmt: skip
    edges: dict[tuple[int, int], Flow] = {}
    received: dict[int, int] = defaultdict(int)
    for giver, recipient, awards, points in db.session.execute(query):
        edges[(giver, recipient)] = Flow(int(awards), int(points))
        received[recipient] += int(points)
    return edges, received


def trading(window: Window, limits: Thresholds = DEFAULTS) -> tuple[list[dict], list[dict]]:
    """Find the flagged pairs and rings in a window, as lists of ids and figures."""
    edges, received = flows(window)

    def share(person: int, points: int) -> float:
        return round(points / received[person], 4) if received[person] else 0.0

    pairs = []
    for (a, b), there in edges.items():
        back = edges.get((b, a))
        if a > b or back is None:
            continue
        trips = min(there.awards, back.awards)
        shares = [share(a, back.points), share(b, there.points)]
        if trips >= limits.round_trips and max(shares) >= limits.pair_share:
            pairs.append({"ids": [a, b], "awards": [there.awards, back.awards],
                          "points": [there.points, back.points], "round_trips": trips,
                          "shares": shares})  # fmt: skip
    outgoing: dict[int, list[int]] = defaultdict(list)
    for (giver, recipient), flow in edges.items():
        if flow.awards >= limits.ring_awards:
            outgoing[giver].append(recipient)
    rings = []
    for a in sorted(outgoing):
        for b in outgoing[a]:
            for c in outgoing.get(b, []):
                # Each cycle once: it starts at its smallest id.
                if b <= a or c <= a or c == b or a not in outgoing.get(c, []):
                    continue
                cycle = [(a, b), (b, c), (c, a)]
                shares = [share(recipient, edges[(giver, recipient)].points)
                          for giver, recipient in cycle]  # fmt: skip
                if min(shares) >= limits.ring_share:
                    rings.append({"ids": [a, b, c],
                                  "awards": [edges[edge].awards for edge in cycle],
                                  "points": [edges[edge].points for edge in cycle],
                                  "shares": shares})  # fmt: skip
    return pairs, rings


def reciprocity(scope: InsightScope, limits: Thresholds = DEFAULTS) -> dict[str, Any]:
    """Return the pairs and rings in the window that involve someone in scope."""
    pairs, rings = trading(scope.window, limits)

    def inside(ids: list[int]) -> bool:
        return scope.members is None or bool(set(ids) & scope.members)

    pairs = [pair for pair in pairs if inside(pair["ids"])]
    rings = [ring for ring in rings if inside(ring["ids"])]
    ids = {person for found in (*pairs, *rings) for person in found["ids"]}
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids or [0])))}
    for found in (*pairs, *rings):
        found["people"] = [user_reference(users[person]) for person in found.pop("ids")]
    return {
        "scope": scope.scope,
        "since": scope.window.since,
        "until": scope.window.until,
        "thresholds": limits.document(),
        "pairs": sorted(pairs, key=lambda p: (-p["round_trips"], -max(p["shares"]))),
        "rings": sorted(rings, key=lambda r: -min(r["shares"])),
    }


def flags_by_person(window: Window, people: list[int]) -> dict[int, list[dict]]:
    """Return, for each of `people`, the flagged pairs and rings they are part of in a window,
    the others named as user references (the bonus-run preview shows them beside the person)."""
    pairs, rings = trading(window)
    wanted = set(people)
    flags: dict[int, list[dict]] = defaultdict(list)
    users: dict[int, User] = {}
    for kind, found in [("pair", pair) for pair in pairs] + [("ring", ring) for ring in rings]:
        concerned = wanted & set(found["ids"])
        for person in concerned:
            flags[person].append({"kind": kind, "with": [i for i in found["ids"] if i != person]})
        users.update({i: None for i in found["ids"]})
    references = {
        u.id: user_reference(u)
        for u in db.session.scalars(select(User).where(User.id.in_(users or [0])))
    }
    return {
        person: [
            {"kind": flag["kind"], "with": [references[i] for i in flag["with"]]} for flag in found
        ]
        for person, found in flags.items()
    }
