"""Bonus-run services on both engines: draft, commit, void, paid and what each leaves behind."""

from datetime import date

import pytest
from sqlalchemy import func, select, update

from ledger.bonus import rules, services
from ledger.bonus.errors import AlreadyPaid, NotCommitted, VersionRequired
from ledger.bonus.queries import get_run, list_runs, payroll
from ledger.db import db
from ledger.errors import AlreadyCommitted, DraftStale, EmptyRun, Forbidden, NotFound
from ledger.models import AuditEvent, Conversion, User
from ledger.operations import Actor
from ledger.queries.balances import balances
from tests.bonus.helpers import assert_books_reconcile, build_org, commit, draft, give, void
from tests.factories import NOW, make_user


@pytest.fixture
def org(engine_app):
    org = build_org()
    give(org.dee, [org.bob, org.cy], 20)
    give(org.ann, [org.bob], 5)  # Ann gave this: never in Ann's runs
    return org


def people_in(document):
    return {line["user"]["id"]: line for line in document["lines"]}


def test_a_draft_previews_the_team_without_its_creator_or_the_lines_they_gave(org):
    run = draft(org.ann)
    lines = people_in(run)
    assert run["status"] == "draft"
    assert set(lines) == {org.bob.id, org.cy.id}
    assert lines[org.bob.id]["points"] == 20 and lines[org.bob.id]["amount_cents"] == 200
    assert run["totals"]["amount_cents"] == 400 and run["totals"]["amount"] == "4.00"
    assert db.session.scalar(select(func.count()).select_from(Conversion)) == 0
    assert balances(org.bob.id, NOW)["earned_unconverted"] == 25


def test_commit_converts_the_points_and_fixes_the_amounts(org):
    run = draft(org.ann)
    committed = commit(org.ann, run["id"]).document
    assert committed["status"] == "committed"
    assert committed["totals"] == run["totals"]
    assert balances(org.bob.id, NOW)["earned_unconverted"] == 5  # Ann's 5 stay for later
    assert balances(org.cy.id, NOW)["earned_unconverted"] == 0
    assert [row["amount"] for row in payroll(run["id"], org.ann)] == ["2.00", "2.00"]
    assert_books_reconcile()


def test_a_later_run_finds_nothing_left_to_convert(org):
    commit(org.ann, draft(org.ann)["id"])
    with pytest.raises(EmptyRun):
        draft(org.ann)
    assert_books_reconcile()


def test_an_empty_scope_is_refused_and_writes_nothing(org):
    runs = list_runs(org.admin)["items"]
    with pytest.raises(EmptyRun):
        draft(org.ann, since=date(2026, 1, 1), until=date(2026, 1, 31))
    assert list_runs(org.admin)["items"] == runs


def test_commit_fails_draft_stale_when_points_arrive_after_the_preview(org):
    run = draft(org.ann)
    give(org.dee, [org.cy], 7)
    assert get_run(run["id"], org.ann)["stale"] is True
    for _ in range(2):  # every time, until the fresh version is named
        with pytest.raises(DraftStale) as stale:
            commit(org.ann, run["id"], version=run["version"])
        fresh = stale.value.details["draft"]
        assert fresh["version"] != run["version"] and people_in(fresh)[org.cy.id]["points"] == 27
    refreshed = get_run(run["id"], org.ann)
    assert refreshed["stale"] is False and refreshed["version"] == fresh["version"]
    committed = commit(org.ann, run["id"], version=fresh["version"]).document
    assert committed["totals"]["points"] == 47 and committed["total_points"] == 47
    assert_books_reconcile()


def test_a_commit_pays_a_version_shown_by_a_later_preview(org):
    run = draft(org.ann)
    give(org.dee, [org.cy], 7)
    shown = get_run(run["id"], org.ann)  # a reader's fresh preview, never stored
    committed = commit(org.ann, run["id"], version=shown["version"]).document
    assert committed["total_cents"] == shown["total_cents"] == 470
    assert committed["version"] == shown["version"]
    assert_books_reconcile()


def test_a_commit_must_name_a_version(org):
    run = draft(org.ann)
    with pytest.raises(VersionRequired):
        services.commit_run(run["id"], version="", now=NOW, actor=Actor(org.ann.id))
    assert get_run(run["id"], org.ann)["status"] == "draft"


def test_a_second_commit_with_another_key_is_refused_and_the_same_key_replays(org):
    run = draft(org.ann)
    seen = run["version"]
    first = commit(org.ann, run["id"], "k1", version=seen)
    assert commit(org.ann, run["id"], "k1", version=seen).replayed
    with pytest.raises(AlreadyCommitted):
        commit(org.ann, run["id"], "k2", version=seen)
    assert commit(org.ann, run["id"], "k1", version=seen).document == first.document
    assert_books_reconcile()


def test_void_gives_the_points_back_and_the_lines_convert_again(org):
    run = draft(org.ann)
    commit(org.ann, run["id"])
    voided = void(org.ann, run["id"]).document
    assert voided["status"] == "voided"
    assert balances(org.bob.id, NOW)["earned_unconverted"] == 25
    assert payroll(run["id"], org.ann) == []
    again = draft(org.ann)
    commit(org.ann, again["id"])
    assert balances(org.cy.id, NOW)["earned_unconverted"] == 0
    assert void(org.ann, run["id"]).document["status"] == "voided"  # idempotent
    assert_books_reconcile()


def test_a_paid_run_cannot_be_voided_and_a_draft_cannot_be_paid(org):
    run = draft(org.ann)
    with pytest.raises(NotCommitted):
        services.mark_paid(run["id"], now=NOW, actor=Actor(org.ann.id))
    commit(org.ann, run["id"])
    services.mark_paid(run["id"], now=NOW, actor=Actor(org.ann.id))
    assert services.mark_paid(run["id"], now=NOW, actor=Actor(org.ann.id)).document["paid_at"]
    with pytest.raises(AlreadyPaid):
        void(org.ann, run["id"])
    assert_books_reconcile()


def test_every_transition_is_audited(org):
    run = draft(org.ann)
    commit(org.ann, run["id"])
    void(org.ann, run["id"])
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_type == "bonus_run")
    ).all()
    assert actions == ["bonus_run_create", "bonus_run_commit", "bonus_run_void"]


def test_nobody_converts_their_own_points_or_the_points_they_gave(org):
    give(org.dee, [org.ann, org.admin], 20)
    company = draft(org.admin, "company")
    assert org.ann.id in people_in(company) and org.admin.id not in people_in(company)
    other_admin, giver_admin = make_user(role="admin"), make_user(role="admin")
    give(giver_admin, [other_admin], 10)
    paid_to_them = draft(org.admin, "company")
    # Another admin may not commit a run that pays them, nor one paying points they gave.
    with pytest.raises(Forbidden):
        commit(other_admin, paid_to_them["id"])
    give(giver_admin, [org.cy], 10)
    with pytest.raises(Forbidden):
        commit(giver_admin, draft(org.admin, "company")["id"])
    assert db.session.scalar(select(func.count()).select_from(Conversion)) == 0


def test_managers_cannot_reach_outside_their_subtree(org):
    with pytest.raises(Forbidden):
        draft(org.ann, "company")
    with pytest.raises(NotFound):
        draft(org.ann, f"team:{org.dee.id}")
    with pytest.raises(Forbidden):
        draft(org.bob)
    run = draft(org.ann)
    with pytest.raises(NotFound):
        get_run(run["id"], org.dee)


def test_inactive_people_keep_their_points_and_are_flagged(org):
    db.session.execute(update(User).where(User.id == org.cy.id).values(active=False))
    db.session.commit()
    run = draft(org.ann)
    assert people_in(run)[org.cy.id]["inactive"] is True
    commit(org.ann, run["id"])
    assert_books_reconcile()


def test_a_pool_run_pays_the_pool_exactly(org):
    give(org.dee, [org.cy], 13)
    run = draft(org.ann, rule=rules.Rule("pool", pool_cents=1000))
    assert run["totals"]["amount_cents"] == 1000
    commit(org.ann, run["id"])
    assert sum(int(row["amount"].replace(".", "")) for row in payroll(run["id"], org.ann)) == 1000
    assert_books_reconcile()
