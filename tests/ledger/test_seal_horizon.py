"""Sealing never passes a transfer that an open transaction may still commit."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from ledger import sealing
from ledger.chain import verify_chain
from ledger.db import db
from ledger.models import Account, Transfer
from ledger.sealing import OpenTransactions, seal_transfers
from tests.factories import ADMIN_ACTOR, make_award, make_user

pytestmark = pytest.mark.postgres


@pytest.fixture
def held_transfer(postgres_app, now):
    """A transfer inserted and left uncommitted on another connection, then a later award."""
    giver, ada = make_user(), make_user()
    make_award(giver, [ada], now=now)
    first, second = db.session.scalars(select(Account.id).order_by(Account.id).limit(2)).all()
    db.session.rollback()
    other = db.engine.connect()
    transaction = other.begin()
    # As run_operation does: the operation row first, so the transaction has an id.
    operation = other.execute(
        text("INSERT INTO operations (kind, status, transfer_count, created_at) "
             "VALUES ('top_up', 'done', 1, :now) RETURNING id"), {"now": now}
    ).scalar_one()  # fmt: skip
    held = other.execute(
        text("INSERT INTO transfers (operation_id, debit_account_id, credit_account_id, amount,"
             " kind, created_at) VALUES (:o, :d, :c, 1, 'top_up', :now) RETURNING id"),
        {"o": operation, "d": first, "c": second, "now": now},
    ).scalar_one()  # fmt: skip
    make_award(giver, [ada], now=now)  # commits transfers with higher ids
    yield held, transaction
    if transaction.is_active:
        transaction.rollback()
    other.close()


def test_sealing_waits_for_a_transaction_holding_a_lower_id(held_transfer, now):
    held, transaction = held_transfer
    with pytest.raises(OpenTransactions):
        seal_transfers(now=now, actor=ADMIN_ACTOR, wait=0.3)
    transaction.commit()
    report = seal_transfers(now=now, actor=ADMIN_ACTOR, wait=5)
    assert report.last_id == db.session.scalar(select(func.max(Transfer.id)))
    assert report.last_id > held
    assert verify_chain() == []


def test_a_naive_horizon_seals_past_it_and_verify_reports_an_insertion(
    held_transfer, now, monkeypatch
):
    # Negative control: sealing up to the highest visible id, without waiting, is wrong.
    held, transaction = held_transfer
    monkeypatch.setattr(
        sealing, "postgres_horizon", lambda wait: db.session.scalar(select(func.max(Transfer.id)))
    )
    seal_transfers(now=now, actor=ADMIN_ACTOR, wait=0.3)
    transaction.commit()
    assert verify_chain()[0] == {
        "check": "chain_transfers",
        "seal": 1,
        "transfer": held,
        "change": "inserted",
    }
