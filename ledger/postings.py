"""Private helpers the write services share: accounts, periods and balanced transfers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from ledger import calendar
from ledger.db import db
from ledger.errors import InsufficientAllowance, LedgerError, PeriodClosed
from ledger.models import Account, Period, Policy, Transfer, User

PER_PERSON_KINDS = frozenset({"allowance", "earned", "clawback"})
BOUNDED_KINDS = frozenset({"allowance", "earned"})

_system_ids: dict[str, dict[str, int]] = {}


class InsufficientPoints(LedgerError):
    code = "insufficient_points"
    default_message = "The account does not hold enough points for this movement."


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


def upsert(model, values: dict, conflict: list[str], where: str | None = None):
    """Build an INSERT ... ON CONFLICT DO NOTHING for the engine in use."""
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(model).values(**values)
    return statement.on_conflict_do_nothing(
        index_elements=conflict, index_where=text(where) if where else None
    )


def system_account(kind: str) -> AccountRef:
    """Return the system account of a kind (issuance, expired, converted, adjustments)."""
    cache = _system_ids.setdefault(str(db.engine.url), {})
    if kind not in cache:
        rows = db.session.execute(
            select(Account.kind, Account.id).where(Account.user_id.is_(None))
        ).all()
        cache.update({row.kind: row.id for row in rows})
    return AccountRef(cache[kind], kind)


def policy_for(day) -> Policy:
    """Return the policy in force for a period starting on `day` (the defaults if none)."""
    policy = db.session.scalars(
        select(Policy)
        .where(Policy.effective_from <= day)
        .order_by(Policy.effective_from.desc(), Policy.id.desc())
        .limit(1)
    ).first()
    return policy or Policy(
        period_length="month",
        base_allowance=100,
        manager_boost=10,
        max_points_per_recipient=50,
        pair_cap=None,
    )


def current_period_key(now: datetime, zone: str) -> str:
    day = calendar.local_date(now, zone)
    return calendar.period_key(now, zone, policy_for(day).period_length)


def ensure_period(key: str, zone: str, *, lock: bool = False) -> Period:
    """Return the period row, creating it first if missing (rules copied from the policy)."""
    query = select(Period).where(Period.key == key).execution_options(populate_existing=True)
    if lock:
        # A shared lock: awards run side by side, a close waits for them (and they for it).
        query = query.with_for_update(read=True)
    found = db.session.scalars(query).first()
    if found is not None:
        return found  # the common case on the award path: one statement, no policy read
    starts_at, ends_at = calendar.period_bounds(key, zone)
    policy = policy_for(calendar.period_dates(key)[0])
    db.session.execute(
        upsert(
            Period,
            {
                "key": key,
                "starts_at": starts_at,
                "ends_at": ends_at,
                "base_allowance": policy.base_allowance,
                "manager_boost": policy.manager_boost,
                "max_points_per_recipient": policy.max_points_per_recipient,
                "pair_cap": policy.pair_cap,
            },
            ["key"],
        )
    )
    return db.session.scalars(query).one()


def active_reports(user_id: int) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.manager_id == user_id, User.active.is_(True), User.kind == "person")
        )
        or 0
    )


def entitlement(user_id: int, period: Period) -> int:
    return period.base_allowance + period.manager_boost * active_reports(user_id)


def ensure_earned(user_id: int) -> AccountRef:
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


def ensure_allowance(ctx, user_id: int, period: Period) -> AccountRef:
    """Return the person's allowance account for the period, granting it exactly once."""
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
        raise PeriodClosed("The period of this allowance is closed.")
    if kind == "allowance":
        raise InsufficientAllowance(
            f"This costs {-delta} points and {account.balance} are left this period.",
            cost=-delta,
            remaining=account.balance,
        )
    raise InsufficientPoints(needed=-delta, available=account.balance)
