"""Keeping the directory: updates, deactivation, the admin rules, the chain and subtree."""

import random
import time
from functools import partial

import pytest
from sqlalchemy import func, insert, select, update

from ledger.db import db
from ledger.errors import CannotChangeSelf, ValidationFailed
from ledger.models import Account, ApiToken, Transfer, User
from ledger.operations import Actor
from ledger.postings import system_account
from ledger.queries.balances import balances
from ledger.queries.org import is_above, managers_above, subtree
from ledger.queries.people import departments, list_users
from ledger.reconciliation import verify_ledger
from ledger.services import award_points
from ledger.services.directory import deactivate_user, update_user
from ledger.sessions import load_session_user
from ledger.tokens import authenticate_token, create_token
from tests.factories import ADMIN_ACTOR, make_user
from tests.ledger.concurrency import errors_by_type, fresh_session, run_together

SEED = 20261127
TRIALS = 5


def as_actor(user) -> Actor:
    return Actor(user.id, request_id="test")


@pytest.fixture
def org(engine_app):
    """An admin, a manager with two reports, and one report of a report."""
    admin = make_user("admin@example.com", name="Ada Admin", role="admin")
    boss = make_user("boss@example.com", name="Boss", role="manager")
    ann = make_user("ann@example.com", name="Ann", manager="boss@example.com")
    bob = make_user("bob@example.com", name="Bob", manager="boss@example.com", department="Sales")
    cy = make_user("cy@example.com", name="Cy", manager="ann@example.com")
    return admin, boss, ann, bob, cy


def test_chain_and_subtree_follow_the_org_chart_on_both_engines(org):
    _admin, boss, ann, bob, cy = org
    assert managers_above([cy.id])[cy.id] == [ann.id, boss.id]
    assert subtree(boss.id) == {ann.id, bob.id, cy.id}
    assert subtree(cy.id) == set()
    assert is_above(boss.id, cy.id) and not is_above(cy.id, boss.id)


def test_a_manager_cannot_be_moved_under_their_own_report(org, now):
    admin, boss, _ann, _bob, cy = org
    with pytest.raises(ValidationFailed, match="cycle"):
        update_user(boss.id, {"manager_id": cy.id}, now=now, actor=as_actor(admin))
    with pytest.raises(ValidationFailed, match="own manager"):
        update_user(boss.id, {"manager_id": boss.id}, now=now, actor=as_actor(admin))
    assert db.session.get(User, boss.id, populate_existing=True).manager_id is None


def test_update_changes_only_what_differs_and_reports_the_person(org, now):
    admin, _boss, ann, _bob, _cy = org
    result = update_user(
        ann.id,
        {"name": "Ann B", "department": "Support", "role": "manager", "manager_id": None},
        now=now,
        actor=as_actor(admin),
    )
    doc = result.document
    assert doc["name"] == "Ann B" and doc["department"]["name"] == "Support"
    assert doc["role"] == "manager" and doc["manager"] is None
    with pytest.raises(ValidationFailed, match="already in the directory"):
        update_user(ann.id, {"email": "BOB@example.com"}, now=now, actor=as_actor(admin))
    with pytest.raises(ValidationFailed, match="cannot be changed"):
        update_user(ann.id, {"password_hash": "x"}, now=now, actor=as_actor(admin))


def test_deactivation_ends_sessions_tokens_and_sweeps_the_open_allowance(org, now):
    admin, _boss, ann, bob, _cy = org
    award_points(
        giver=ann.id,
        recipients=[bob.id],
        points=30,
        message="Thanks for the careful review",
        service_kind="need",
        now=now,
    )
    raw, _ = create_token(ann.id, name="cli", scopes=["read"], now=now, actor=ADMIN_ACTOR)
    session_id = db.session.get(User, ann.id, populate_existing=True).get_id()
    assert load_session_user(session_id) is not None
    result = deactivate_user(ann.id, now=now, actor=as_actor(admin))
    assert result.document["active"] is False
    assert load_session_user(session_id) is None
    assert authenticate_token(raw, now=now) is None
    assert db.session.scalars(select(ApiToken.revoked_at)).one() is not None
    allowance = db.session.scalars(
        select(Account).where(Account.user_id == ann.id, Account.kind == "allowance")
    ).one()
    assert allowance.balance == 0 and allowance.closed_at is not None
    expiry = db.session.scalars(select(Transfer).where(Transfer.kind == "expiry")).one()
    assert expiry.amount == 100 - 30 + 10  # base 100 plus boost 10 for Cy, less the award
    assert balances(bob.id, now)["earned_unconverted"] == 30  # the recipient keeps points
    assert verify_ledger(now=now)["ok"]
    again = deactivate_user(ann.id, now=now, actor=as_actor(admin))
    assert again.document["active"] is False


def test_an_admin_cannot_deactivate_or_demote_themselves(org, now):
    admin, *_ = org
    with pytest.raises(CannotChangeSelf):
        deactivate_user(admin.id, now=now, actor=as_actor(admin))
    with pytest.raises(CannotChangeSelf):
        update_user(admin.id, {"role": "manager"}, now=now, actor=as_actor(admin))
    with pytest.raises(CannotChangeSelf):
        update_user(admin.id, {"active": False}, now=now, actor=as_actor(admin))
    assert db.session.get(User, admin.id, populate_existing=True).role == "admin"


def test_the_last_admin_cannot_be_demoted_even_by_the_cli(org, now):
    admin, boss, *_ = org
    with pytest.raises(CannotChangeSelf, match="last active admin"):
        update_user(admin.id, {"role": "employee"}, now=now, actor=ADMIN_ACTOR)
    # Negative control: with a second admin the same demotion is allowed.
    update_user(boss.id, {"role": "admin"}, now=now, actor=as_actor(admin))
    result = update_user(admin.id, {"role": "employee"}, now=now, actor=as_actor(boss))
    assert result.document["role"] == "employee"


def test_directory_listing_filters_and_pages_by_name(org):
    _admin, boss, _ann, _bob, _cy = org
    first = list_users(limit=2)
    assert [item["email"] for item in first["items"]] == ["admin@example.com", "ann@example.com"]
    second = list_users(limit=2, cursor=first["next_cursor"])
    assert [item["email"] for item in second["items"]] == ["bob@example.com", "boss@example.com"]
    assert list_users(manager_id=boss.id)["items"][0]["manager"]["id"] == boss.id
    assert [i["email"] for i in list_users(q="BOB")["items"]] == ["bob@example.com"]
    assert list_users(q="%")["items"] == []
    with pytest.raises(ValidationFailed):
        list_users(cursor="not-a-cursor")
    counts = {row["name"]: row["head_count"] for row in departments()}
    assert counts == {"Engineering": 4, "Sales": 1}


def _race_deactivation(app, now, rng) -> tuple[dict, int, int, bool]:
    """Race a dozen awards from one giver against their deactivation; return the outcome."""
    giver = make_user(password=None)
    receiver = make_user(password=None)
    admin = make_user(role="admin", password=None)

    def give():
        return award_points(
            giver=giver.id,
            recipients=[receiver.id],
            points=10,
            message="Thanks for the hand-off today",
            service_kind="handoff",
            now=now,
        )

    def later(call):
        def delayed():
            time.sleep(rng.uniform(0, 0.05))
            return call()

        return delayed

    give()  # grants the allowance: 100, 90 left
    leave = partial(deactivate_user, giver.id, now=now, actor=as_actor(admin))
    results = run_together(app, [later(give) for _ in range(12)] + [later(leave)])
    fresh_session()
    accepted = sum(result.error is None for result in results[:-1])
    expired = db.session.scalar(
        select(func.coalesce(func.sum(Transfer.amount), 0))
        .join(Account, Account.id == Transfer.debit_account_id)
        .where(Transfer.kind == "expiry", Account.user_id == giver.id)
    )
    return errors_by_type(results), accepted, expired, verify_ledger(now=now)["ok"]


@pytest.mark.heavy
def test_awards_racing_a_deactivation_land_before_it_or_are_refused(postgres_app, now):
    rng = random.Random(SEED)
    for _trial in range(TRIALS):
        errors, accepted, expired, ok = _race_deactivation(postgres_app, now, rng)
        assert set(errors) <= {"PeriodClosed", "Forbidden", "InsufficientAllowance"}, errors
        assert 10 * accepted + expired == 90
        assert ok


@pytest.mark.heavy
def test_a_sweep_without_the_row_lock_loses_points(postgres_app, now, monkeypatch):
    # Negative control: read the balance unlocked, pause, then zero the account blindly.
    def naive_end_access(ctx, user_ids, moment):
        rows = db.session.execute(
            select(Account.id, Account.balance).where(
                Account.user_id.in_(user_ids), Account.kind == "allowance"
            )
        ).all()
        time.sleep(0.03)  # awards commit meanwhile; the stale balance is then swept
        for row in rows:
            db.session.execute(
                insert(Transfer).values(
                    operation_id=ctx.operation_id,
                    debit_account_id=row.id,
                    credit_account_id=system_account("expired").id,
                    amount=row.balance,
                    kind="expiry",
                    created_at=moment,
                )
            )
            ctx.transfer_count += 1
            db.session.execute(
                update(Account).where(Account.id == row.id).values(balance=0, closed_at=moment)
            )
        return 0

    monkeypatch.setattr("ledger.services.directory.end_access", naive_end_access)
    rng = random.Random(SEED)
    outcomes = [_race_deactivation(postgres_app, now, rng) for _ in range(TRIALS)]
    assert any(not ok or 10 * accepted + expired != 90 for _, accepted, expired, ok in outcomes)
