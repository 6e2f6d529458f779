"""The leaderboard: windows, scopes, metrics and deterministic competition ranking."""

from datetime import timedelta

import pytest

from ledger.operations import Actor
from ledger.queries.leaderboard import Window, leaderboard
from ledger.services import award_points, reverse_award
from tests.factories import ADMIN_ACTOR, make_user

MESSAGE = "Thanks for the timely hand-over."


def give(giver, recipients, points, now, kind="handoff"):
    return award_points(
        giver=giver.id,
        recipients=[r.id for r in recipients],
        points=points,
        message=MESSAGE,
        service_kind=kind,
        now=now,
        actor=Actor(giver.id),
    ).document


@pytest.fixture
def people(engine_app):
    boss = make_user(name="Boss", role="manager")
    return {
        "boss": boss,
        **{name: make_user(name=name, manager=boss.email) for name in ("Ann", "Bob", "Cid", "Dee")},
    }


def window(now):
    return Window(now - timedelta(days=1), now + timedelta(days=1))


def names(rows):
    return [(row["rank"], row["user"]["name"]) for row in rows]


def test_equal_points_share_a_rank_and_awards_then_customers_order_within_it(people, now):
    p = people
    give(p["Ann"], [p["Bob"]], 20, now)  # Bob 20 from 1 award, 1 customer
    give(p["Cid"], [p["Dee"]], 10, now)  # Dee 20 from 2 awards, 2 customers
    give(p["Ann"], [p["Dee"]], 10, now)
    give(p["boss"], [p["Cid"]], 20, now)  # Cid 20 from 1 award, 1 customer
    rows = leaderboard(window(now))
    assert names(rows) == [(1, "Dee"), (1, "Bob"), (1, "Cid")]  # Dee first: more awards
    assert rows[0]["customers"] == 2 and rows[0]["awards"] == 2


def test_the_customers_metric_counts_distinct_givers(people, now):
    p = people
    give(p["Ann"], [p["Bob"]], 50, now)
    give(p["Ann"], [p["Cid"]], 5, now)
    give(p["Dee"], [p["Cid"]], 5, now)
    assert names(leaderboard(window(now), metric="customers")) == [(1, "Cid"), (2, "Bob")]


def test_reversed_awards_and_lines_outside_the_window_do_not_count(people, now):
    p = people
    award = give(p["Ann"], [p["Bob"]], 30, now)
    give(p["Ann"], [p["Cid"]], 10, now - timedelta(days=3))
    give(p["Ann"], [p["Dee"]], 10, now)
    reverse_award(award["id"], reason="mistake", now=now, actor=ADMIN_ACTOR)
    assert names(leaderboard(window(now))) == [(1, "Dee")]


def test_scope_direction_and_kind_filters(people, now):
    p = people
    give(p["boss"], [p["Ann"]], 10, now, kind="need")  # up
    give(p["Bob"], [p["boss"]], 10, now, kind="proactive")  # down
    give(p["Cid"], [p["Dee"]], 10, now, kind="need")  # lateral
    assert names(leaderboard(window(now), direction="up")) == [(1, "Ann")]
    assert names(leaderboard(window(now), service_kind="proactive")) == [(1, "Boss")]
    rows = leaderboard(window(now), members={p["Ann"].id, p["Dee"].id})
    assert names(rows) == [(1, "Ann"), (1, "Dee")]
    assert rows[0]["by_direction"] == {"up": 10, "down": 0, "lateral": 0}
    assert leaderboard(window(now), members=set()) == []


def test_ties_order_by_code_point_name_and_pages_keep_the_whole_ranking(engine_app, now):
    """Ranked and paged in SQL: the same rows, ranks and order as ranking everyone at once."""
    giver, other = make_user(name="Giver"), make_user(name="Other")
    scores = {"Émile": 20, "ann": 20, "Zed": 20, "Ann": 20, "bob": 30, "Cy": 10, "cy": 10}
    people = {name: make_user(name=name) for name in scores}
    for name, points in scores.items():
        give(giver, [people[name]], points // 2, now)
        give(other, [people[name]], points // 2, now)
    expected = [(1, "bob"), (2, "Ann"), (2, "Zed"), (2, "ann"), (2, "Émile"), (6, "Cy"), (6, "cy")]
    assert names(leaderboard(window(now))) == expected
    pages = [leaderboard(window(now), offset=start, limit=2) for start in range(0, 8, 2)]
    assert [row for page in pages for row in names(page)] == expected
    assert names(pages[1]) == [(2, "Zed"), (2, "ann")]  # ranks count the rows before the page
