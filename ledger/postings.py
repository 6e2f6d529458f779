"""Private helpers the write services share: accounts and balanced transfers."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert, select, update

from ledger.db import db, upsert
from ledger.errors import InsufficientAllowance, InsufficientPoints, PeriodClosed
from ledger.i18n import N_, Phrase
from ledger.models import Account, Period, Transfer
from ledger.periods import entitlement

PER_PERSON_KINDS = frozenset({"allowance", "earned", "clawback"})
BOUNDED_KINDS = frozenset({"allowance", "earned"})

_system_ids: dict[str, dict[str, int]] = {}


@dataclass(frozen=True)
class AccountRef:
    id: int
    kind: str

    @property
    def materialized(self) -> bool:
        return self.kind in PER_PERSON_KINDS


@dataclass(frozen=True)
class Move:
    debit: AccountRef
    credit: AccountRef
    amount: int
    kind: str
    award_line_id: int | None = None
    memo: str | None = None


def system_account(kind: str) -> AccountRef:
    """Return the system account of a kind (issuance, expired, converted, adjustments)."""
    cache = _system_ids.setdefault(str(db.engine.url), {})
    if kind not in cache:
        rows = db.session.execute(
            select(Account.kind, Account.id).where(Account.user_id.is_(None))
        ).all()
        cache.update({row.kind: row.id for row in rows})
    return AccountRef(cache[kind], kind)


def award_accounts(giver_id: int, period_id: int, recipient_ids) -> tuple[int | None, dict]:
    """Find the giver's allowance for the period and the recipients' earned accounts in one
    statement (issue 11): (allowance id or None, {recipient id: earned account id})."""
    rows = db.session.execute(
        select(Account.id, Account.kind, Account.user_id).where(
            ((Account.user_id == giver_id) & (Account.period_id == period_id)
             & (Account.kind == "allowance"))
            | (Account.user_id.in_(list(recipient_ids)) & (Account.kind == "earned"))
        )
    ).all()  # fmt: skip
    allowance = next((row.id for row in rows if row.kind == "allowance"), None)
    return allowance, {row.user_id: row.id for row in rows if row.kind == "earned"}


def ensure_earned(user_id: int, known: int | None = None) -> AccountRef:
    if known is not None:
        return AccountRef(known, "earned")
    query = select(Account.id).where(Account.user_id == user_id, Account.kind == "earned")
    account_id = db.session.scalar(query)
    if account_id is None:  # only a person's first award creates it
        db.session.execute(
            upsert(
                Account,
                {
                    "kind": "earned",
                    "user_id": user_id,
                    "bounded": True,
                    "balance": 0,
                    "version": 0,
                },
                ["user_id"],
                "kind = 'earned'",
            )
        )
        account_id = db.session.scalar(query)
    return AccountRef(account_id, "earned")


def ensure_clawback(user_id: int) -> AccountRef:
    db.session.execute(
        upsert(
            Account,
            {
                "kind": "clawback",
                "user_id": user_id,
                "bounded": False,
                "balance": 0,
                "version": 0,
            },
            ["user_id"],
            "kind = 'clawback'",
        )
    )
    account_id = db.session.scalar(
        select(Account.id).where(Account.user_id == user_id, Account.kind == "clawback")
    )
    return AccountRef(account_id, "clawback")


def ensure_allowance(ctx, user_id: int, period: Period, known: int | None = None) -> AccountRef:
    """Return the person's allowance account for the period, granting it exactly once;
    `known` is its id when the caller already found it."""
    if known is not None:
        return AccountRef(known, "allowance")
    existing = select(Account.id).where(
        Account.user_id == user_id,
        Account.period_id == period.id,
        Account.kind == "allowance",
    )
    account_id = db.session.scalar(existing)
    if account_id is not None:  # the common case: granted by an earlier write
        return AccountRef(account_id, "allowance")
    created = db.session.execute(
        upsert(
            Account,
            {
                "kind": "allowance",
                "user_id": user_id,
                "period_id": period.id,
                "bounded": True,
                "balance": 0,
                "version": 0,
            },
            ["user_id", "period_id"],
            "kind = 'allowance'",
        ).returning(Account.id)
    ).scalar()
    if created is None:  # a concurrent write granted it a moment ago
        return AccountRef(db.session.scalar(existing), "allowance")
    account = AccountRef(created, "allowance")
    amount = entitlement(user_id, period)
    if amount > 0:
        post(ctx, [Move(system_account("issuance"), account, amount, "grant")])
    return account


def post(ctx, moves: list[Move]) -> None:
    """Insert balanced transfers and apply them to materialized balances, bounds checked."""
    moves = [move for move in moves if move.amount > 0]
    if not moves:
        return
    db.session.execute(
        insert(Transfer),
        [
            {
                "operation_id": ctx.operation_id,
                "debit_account_id": move.debit.id,
                "credit_account_id": move.credit.id,
                "amount": move.amount,
                "kind": move.kind,
                "award_line_id": move.award_line_id,
                "memo": move.memo,
                "created_at": ctx.now,
            }
            for move in moves
        ],
    )
    ctx.transfer_count += len(moves)
    deltas: dict[int, int] = {}
    kinds: dict[int, str] = {}
    for move in moves:
        for ref, sign in ((move.debit, -1), (move.credit, 1)):
            if ref.materialized:
                deltas[ref.id] = deltas.get(ref.id, 0) + sign * move.amount
                kinds[ref.id] = ref.kind
    # Ascending id order: two operations over the same accounts lock them in the same order.
    for account_id in sorted(deltas):
        _apply(account_id, kinds[account_id], deltas[account_id])


def _apply(account_id: int, kind: str, delta: int) -> None:
    statement = (
        update(Account)
        .where(Account.id == account_id, Account.closed_at.is_(None))
        .values(balance=Account.balance + delta, version=Account.version + 1)
    )
    if delta < 0 and kind in BOUNDED_KINDS:
        statement = statement.where(Account.balance >= -delta)
    if db.session.execute(statement.execution_options(synchronize_session=False)).rowcount == 1:
        return
    account = db.session.execute(
        select(Account.balance, Account.closed_at).where(Account.id == account_id)
    ).one()
    if account.closed_at is not None:
        raise PeriodClosed(N_("The period of this allowance is closed."))
    if kind == "allowance":
        raise InsufficientAllowance(
            Phrase(
                "This costs {value} points and {balance} are left this period.",
                value=-delta,
                balance=account.balance,
            ),
            cost=-delta,
            remaining=account.balance,
        )
    raise InsufficientPoints(needed=-delta, available=account.balance)
