"""Leaderboard reach: every kind of principal, every scope, the split by direction on and off.

The world: M1 manages E1 and E1b; M2 manages E2 and X. Everyone is in Engineering except
E2, the whole of Sales, so M2's reach covers Sales although M2 works in Engineering. No
manager's reach covers Engineering or the company; an admin's covers everything.
"""

from __future__ import annotations

import pytest

from ledger.clock import utcnow
from ledger.db import db
from ledger.models import Department
from ledger.operations import Actor
from ledger.services import award_points
from tests.authz.test_matrix import call_api
from tests.authz.world import MESSAGE, build_world
from tests.factories import make_app
from tests.figures import write_figure
from tests.web.test_sessions import FreshClient

SCOPES = ("company", "department:ENG", "department:SALES", "team:M1", "team:M2")
OK, SPLIT, SCOPE, REACH = "200", "200+split", "403 scope_missing", "404 not_found"

# What each principal gets per scope, with by_direction=false and with by_direction=true.
# Without the parameter the answer is the `false` one, plus the split where `true` is SPLIT.
EXPECTED = {
    # employee of Engineering
    "tok:E1": {
        False: (OK, OK, REACH, SCOPE, SCOPE),
        True: (SCOPE, SCOPE, SCOPE, SCOPE, SCOPE),
    },
    # employee of Sales, their own department
    "tok:E2": {
        False: (OK, REACH, OK, SCOPE, SCOPE),
        True: (SCOPE, SCOPE, SCOPE, SCOPE, SCOPE),
    },
    # the other manager: Sales and M2's team are beyond their reach
    "tok:M1": {
        False: (OK, OK, REACH, OK, REACH),
        True: (REACH, REACH, REACH, SPLIT, REACH),
    },
    # the manager whose reach covers all of Sales
    "tok:M2": {
        False: (OK, OK, OK, REACH, OK),
        True: (REACH, REACH, SPLIT, REACH, SPLIT),
    },
    "tok:A": {
        False: (OK, OK, OK, OK, OK),
        True: (SPLIT, SPLIT, SPLIT, SPLIT, SPLIT),
    },
    # an admin's read-only token: reach, but not the manage scope
    "tok:A:read": {
        False: (OK, OK, OK, SCOPE, SCOPE),
        True: (SCOPE, SCOPE, SCOPE, SCOPE, SCOPE),
    },
}
# The web pages ask for no split: they show it where the API's `true` answers SPLIT.
WEB = {"E1": "tok:E1", "E2": "tok:E2", "M1": "tok:M1", "M2": "tok:M2", "A": "tok:A"}


@pytest.fixture(scope="module")
def world(sqlite_template):
    url = sqlite_template.new_database()
    app = make_app(url)
    with app.app_context():
        built = build_world(app, FreshClient)
        for name, label in (("Engineering", "ENG"), ("Sales", "SALES")):
            department = db.session.query(Department).filter_by(name=name).one()
            built.ids[label] = department.id
        # Points into M2's team too, so that every scope ranks someone.
        for giver, recipient in (("E1", "E2"), ("E1b", "X")):
            award_points(
                giver=built.ids[giver],
                recipients=[built.ids[recipient]],
                points=3,
                message=MESSAGE,
                service_kind="need",
                now=utcnow(),
                actor=Actor(built.ids[giver]),
            )
        db.session.remove()
        yield built
    sqlite_template.drop(url)


def concrete(world, scope: str) -> str:
    kind, _, name = scope.partition(":")
    return f"{kind}:{world.ids[name]}" if name else kind


def outcome(status: int, answer) -> str:
    if status != 200:
        return f"{status} {answer['error']['code']}"
    rows = answer["items"]
    assert rows, "every scope here ranks someone: an empty board would prove nothing"
    has_split = {"by_direction" in row for row in rows}
    assert len(has_split) == 1
    return SPLIT if has_split.pop() else OK


def check_principal(world, who: str) -> None:
    for wanted in (None, False, True):
        for index, scope in enumerate(SCOPES):
            expected = EXPECTED[who][bool(wanted)][index]
            if wanted is None and EXPECTED[who][True][index] == SPLIT:
                expected = SPLIT
            query = f"scope={concrete(world, scope)}"
            if wanted is not None:
                query += f"&by_direction={str(wanted).lower()}"
            status, answer = call_api(world, who, "GET", f"/api/v1/leaderboard?{query}", None)
            assert outcome(status, answer) == expected, (who, scope, wanted)


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_the_api_leaderboard_shows_each_principal_exactly_their_reach(world, who):
    check_principal(world, who)
    write_figure("reach", part=f"api-{who}", violations=0, checks=3 * len(SCOPES))


@pytest.mark.parametrize("who", sorted(WEB))
def test_the_web_leaderboard_shows_each_person_exactly_their_reach(world, who):
    client = world.sessions[who]
    for index, scope in enumerate(SCOPES):
        on, off = EXPECTED[WEB[who]][True][index], EXPECTED[WEB[who]][False][index]
        response = client.get(f"/leaderboard?scope={concrete(world, scope)}")
        html = response.get_data(as_text=True)
        assert str(response.status_code) == off.split()[0], (who, scope)
        if response.status_code == 200:
            head = html.split("<thead>")[1].split("</thead>")[0]
            assert ("served up" in head) == (on == SPLIT), (who, scope)
        csv = client.get(f"/leaderboard.csv?scope={concrete(world, scope)}")
        assert csv.status_code == response.status_code, (who, scope)
        if csv.status_code == 200:
            header = csv.get_data(as_text=True).splitlines()[0]
            assert header.endswith(",lateral") == (on == SPLIT), (who, scope)
    write_figure("reach", part=f"web-{who}", violations=0, checks=2 * len(SCOPES))


@pytest.mark.parametrize("who", sorted(WEB))
def test_the_web_offers_only_the_departments_within_reach(world, who):
    page = world.sessions[who].get("/leaderboard").get_data(as_text=True)
    offered = f'value="department:{world.ids["SALES"]}"' in page
    own = who == "E2"  # Sales is E2's own department, offered as "My department"
    assert offered == (not own and EXPECTED[WEB[who]][False][2] == OK), who


def test_the_matrix_notices_a_reach_check_left_out(world, monkeypatch):
    # Negative control: with a reach check that covers everything, M1 would see Sales and
    # the company's split, and the same check fails.
    monkeypatch.setattr("ledger.queries.scopes.covers", lambda viewer, members: True)
    with pytest.raises(AssertionError, match="tok:M1"):
        check_principal(world, "tok:M1")
