"""The outbox: one event per committed operation, none for a refusal, a rollback or a replay."""

from datetime import timedelta

import pytest

from ledger.bonus.services import commit_run, mark_paid, void_run
from ledger.errors import InsufficientAllowance, ValidationFailed
from ledger.imports.importer import import_file
from ledger.operations import Actor, IdempotencyKey
from ledger.queries.feed import award_by_id
from ledger.services import award_points, close_period, reverse_award
from ledger.services.directory import create_user, deactivate_user, update_user
from tests.bonus.helpers import draft
from tests.delivery.helpers import count_award_events_against_awards, event_data, events
from tests.factories import ADMIN_ACTOR, NOW, make_award, make_user


@pytest.fixture
def people(engine_app):
    boss = make_user("boss@example.com", name="Boss", role="manager")
    ana = make_user("ana@example.com", name="Ana", manager="boss@example.com")
    ben = make_user("ben@example.com", name="Ben", manager="boss@example.com")
    return {"boss": boss, "ana": ana, "ben": ben}


def keyed(principal, key, points=10, giver=None, recipient=None):
    return award_points(
        giver=giver.id,
        recipients=[recipient.id],
        points=points,
        message="Thanks for the careful hand-off.",
        service_kind="handoff",
        now=NOW,
        actor=Actor(giver.id),
        idempotency=IdempotencyKey(principal, key, f"hash-{key}-{points}"),
    )


def test_an_award_writes_one_event_whose_data_is_the_award_document(people):
    document = make_award(people["ana"], [people["ben"]], points=7)

    created = events("award.created")
    assert len(created) == 1
    assert created[0].object_type == "award" and created[0].object_id == str(document["id"])
    assert created[0].uid.startswith("msg_")
    assert event_data("award.created") == [document] == [award_by_id(document["id"])]


def test_a_replayed_award_writes_no_second_event(people):
    first = keyed("user:1", "k1", giver=people["ana"], recipient=people["ben"])
    again = keyed("user:1", "k1", giver=people["ana"], recipient=people["ben"])

    assert again.replayed and again.document == first.document
    assert len(events("award.created")) == 1


def test_a_refused_award_writes_no_event_even_when_its_rejection_is_stored(people):
    keyed("user:1", "big", points=50, giver=people["ana"], recipient=people["ben"])
    keyed("user:1", "bigger", points=50, giver=people["ana"], recipient=people["ben"])
    for _ in range(2):  # the refusal is stored, then replayed
        with pytest.raises(InsufficientAllowance):
            keyed("user:1", "too-big", points=50, giver=people["ana"], recipient=people["ben"])
    assert len(events("award.created")) == 2
    assert count_award_events_against_awards() == (2, 2, 2)


def test_an_operation_that_rolls_back_writes_no_event(engine_app):
    with pytest.raises(ValidationFailed):
        create_user("not an address", name="X", now=NOW, actor=ADMIN_ACTOR)
    assert events() == []


def test_people_created_and_deactivated_are_told_once(people):
    assert [data["email"] for data in event_data("user.created")] == [
        "boss@example.com",
        "ana@example.com",
        "ben@example.com",
    ]
    deactivate_user(people["ben"].id, now=NOW, actor=ADMIN_ACTOR)
    deactivate_user(people["ben"].id, now=NOW, actor=ADMIN_ACTOR)  # already inactive
    update_user(people["ana"].id, {"active": False}, now=NOW, actor=ADMIN_ACTOR)
    update_user(people["ana"].id, {"name": "Ana B"}, now=NOW, actor=ADMIN_ACTOR)

    told = event_data("user.deactivated")
    assert [(data["email"], data["active"]) for data in told] == [
        ("ben@example.com", False),
        ("ana@example.com", False),
    ]


def test_an_hr_import_tells_of_each_person_it_adds_or_lets_go(people):
    text = (
        "email,name,department,manager_email,role,employee_number,active\n"
        "cy@example.com,Cy,Ops,,,,\n"
        "ben@example.com,Ben,Engineering,boss@example.com,,,false\n"
    )
    import_file(text.encode(), content_type="text/csv", now=NOW, actor=ADMIN_ACTOR)

    assert [d["email"] for d in event_data("user.created")][-1] == "cy@example.com"
    assert [d["email"] for d in event_data("user.deactivated")] == ["ben@example.com"]


def test_a_reversal_tells_the_reversed_award(people):
    document = make_award(people["ana"], [people["ben"]])
    reverse_award(document["id"], reason="Given by mistake", now=NOW, actor=ADMIN_ACTOR)
    with pytest.raises(Exception):  # noqa: B017 - the second reversal is refused
        reverse_award(document["id"], reason="Again", now=NOW, actor=ADMIN_ACTOR)

    told = event_data("award.reversed")
    assert len(told) == 1 and told[0]["id"] == document["id"] and told[0]["reversed"] is True


def test_a_period_close_tells_once(people):
    make_award(people["ana"], [people["ben"]])
    later = NOW + timedelta(days=40)
    close_period("2026-11", now=later, actor=ADMIN_ACTOR)
    close_period("2026-11", now=later, actor=ADMIN_ACTOR)

    assert [data["period"] for data in event_data("period.closed")] == ["2026-11"]


def test_bonus_run_transitions_each_tell_once(people):
    make_award(people["ana"], [people["ben"]], points=20)
    boss = Actor(people["boss"].id)
    later = NOW + timedelta(days=1)
    run = draft(people["boss"], now=later)
    commit_run(run["id"], version=run["version"], now=later, actor=boss)
    mark_paid(run["id"], now=later, actor=boss)
    mark_paid(run["id"], now=later, actor=boss)

    assert [e.type for e in events() if e.type.startswith("bonus_run.")] == [
        "bonus_run.committed",
        "bonus_run.paid",
    ]
    assert event_data("bonus_run.paid")[0]["status"] == "paid"


def test_a_voided_run_tells_once(people):
    make_award(people["ana"], [people["ben"]], points=20)
    boss = Actor(people["boss"].id)
    later = NOW + timedelta(days=1)
    run = draft(people["boss"], now=later)
    commit_run(run["id"], version=run["version"], now=later, actor=boss)
    void_run(run["id"], now=later, actor=boss)
    void_run(run["id"], now=later, actor=boss)

    assert len(event_data("bonus_run.voided")) == 1


@pytest.mark.parametrize("copies", [0, 2])
def test_the_event_count_catches_a_lost_or_doubled_event(people, monkeypatch, copies):
    """Negative control for the race and crash checks: a broken outbox fails the count."""
    from ledger import operations

    rows = operations.event_rows  # what an operation writes to the outbox with its result
    monkeypatch.setattr(
        operations, "event_rows", lambda events, **kw: rows(list(events) * copies, **kw)
    )
    make_award(people["ana"], [people["ben"]])

    awards, told, exactly_once = count_award_events_against_awards()
    assert awards == 1 and exactly_once == 0 and told == copies
