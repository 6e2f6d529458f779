"""The seal chain: every transfer sealed in order, and any edit behind Baton's back named."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, text

from ledger.chain import verify_chain
from ledger.db import db
from ledger.models import Transfer, TransferSeal
from ledger.reconciliation import verify_ledger
from ledger.sealing import seal_transfers
from tests.factories import ADMIN_ACTOR, make_award, make_user
from tests.figures import engine, write_figure


def seal(now, **options):
    return seal_transfers(now=now, actor=ADMIN_ACTOR, **options)


def drop_transfer_triggers() -> None:
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("DROP TRIGGER transfers_append_only ON transfers"))
    else:
        db.session.execute(text("DROP TRIGGER transfers_no_update"))
        db.session.execute(text("DROP TRIGGER transfers_no_delete"))


@pytest.fixture
def sealed(engine_app, now):
    """A few awards, all sealed; returns the transfer ids in order."""
    giver, ada, bob = make_user(), make_user(), make_user()
    for points in (5, 7, 9):
        make_award(giver, [ada, bob], points=points, now=now)
    report = seal(now)
    ids = db.session.scalars(select(Transfer.id).order_by(Transfer.id)).all()
    assert (report.links, report.transfers, report.last_id) == (1, len(ids), ids[-1])
    return ids


def test_every_transfer_is_sealed_and_the_books_verify(sealed):
    assert verify_chain() == []
    assert verify_ledger()["ok"]


def test_each_new_link_points_at_the_previous_one_and_empty_links_are_not_made(sealed, now):
    assert seal(now).links == 0
    make_award(make_user(), [make_user()], now=now)
    assert seal(now).links == 1
    first, second = db.session.scalars(select(TransferSeal).order_by(TransferSeal.number)).all()
    assert second.previous_hash == first.hash
    assert second.first_id > first.last_id
    assert verify_chain() == []


def tamper_edit(ids):
    db.session.execute(text("UPDATE transfers SET memo = 'forged' WHERE id = :i"), {"i": ids[2]})
    return ids[2], "changed"


def tamper_delete(ids):
    db.session.execute(text("DELETE FROM transfers WHERE id = :i"), {"i": ids[3]})
    return ids[3], "deleted"


def tamper_insert(ids):
    # Any id at or below the last sealed one belongs to a link, so it is seen.
    db.session.execute(
        text(
            "INSERT INTO transfers (id, operation_id, debit_account_id, credit_account_id,"
            " amount, kind, created_at) SELECT 0, operation_id, debit_account_id,"
            " credit_account_id, 1, kind, created_at FROM transfers WHERE id = :i"
        ),
        {"i": ids[1]},
    )
    return 0, "inserted"


def tamper_reorder(ids):
    low, high = ids[1], ids[4]
    for source, target in ((low, -1), (high, low), (-1, high)):
        db.session.execute(
            text("UPDATE transfers SET id = :t WHERE id = :s"), {"s": source, "t": target}
        )
    return low, "changed"


@pytest.mark.parametrize("tamper", [tamper_edit, tamper_delete, tamper_insert, tamper_reorder])
def test_verify_names_the_first_transfer_changed_behind_the_apps_back(sealed, tamper):
    drop_transfer_triggers()
    transfer, change = tamper(sealed)
    db.session.commit()
    problems = verify_chain()
    named = {"check": "chain_transfers", "seal": 1, "transfer": transfer, "change": change}
    write_figure(f"seals-{engine()}", part=tamper.__name__,
                 violations=int(problems[:1] != [named]), tamperings=1)  # fmt: skip
    assert problems[0] == named
    assert not verify_ledger()["ok"]


def test_the_cli_exits_non_zero_and_names_the_edited_transfer(sealed, engine_app):
    drop_transfer_triggers()
    db.session.execute(text("UPDATE transfers SET memo = 'forged' WHERE id = :i"), {"i": sealed[0]})
    db.session.commit()
    result = CliRunner().invoke(engine_app.cli, ["ledger", "verify"], catch_exceptions=False)
    assert result.exit_code == 1
    assert f'"transfer": {sealed[0]}' in result.output


def test_a_link_edited_to_hide_a_change_breaks_the_chain(sealed):
    drop_transfer_triggers()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("DROP TRIGGER transfer_seals_append_only ON transfer_seals"))
    else:
        db.session.execute(text("DROP TRIGGER transfer_seals_no_update"))
    db.session.execute(text("DELETE FROM transfers WHERE id = :i"), {"i": sealed[-1]})
    # Make the link agree with the deletion: its own hash no longer matches its fields.
    db.session.execute(
        text("UPDATE transfer_seals SET transfer_count = transfer_count - 1, last_id = :l"),
        {"l": sealed[-2]},
    )
    db.session.commit()
    checks = {problem["check"] for problem in verify_chain()}
    assert "chain_seal_altered" in checks


def test_the_chain_and_the_closed_account_seals_live_side_by_side(sealed, now):
    from ledger.models import Seal
    from ledger.services import close_period

    close_period("2026-11", now=now, actor=ADMIN_ACTOR, force=True)
    seal(now)
    assert db.session.scalar(select(func.count()).select_from(Seal)) > 0
    assert verify_ledger()["ok"]
