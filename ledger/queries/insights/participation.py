"""Participation and budget: who gave and who received, and where the allowance went.

Per team (a manager's direct reports) and department in scope, for one period: the share of
people who gave and who received (unreversed awards), and their allowance granted versus
spent versus expired, summed from the transfers on their allowance accounts; and the same
figures for the whole scope over the last few periods, for a trend.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased

from ledger import calendar, settings
from ledger.db import db
from ledger.documents import user_reference
from ledger.errors import ValidationFailed
from ledger.i18n import Phrase
from ledger.id_lists import among
from ledger.models import Account, Award, AwardLine, Department, Period, Reversal, Transfer, User
from ledger.periods import current_period_key
from ledger.queries.insights.reach import insight_scope, previous_key

TREND_PERIODS = 6
# Transfer kinds on an allowance account: what goes in, what goes out, and how it counts.
GRANTED = ("grant", "top_up")  # credited
SPENT, RETURNED, EXPIRED = "award", "reversal", "expiry"  # debited, credited, debited


def participation(
    viewer: User, *, now: datetime, scope: str | None = None, period: str | None = None
) -> dict[str, Any]:
    """Return who gave, who received and the allowance budget of the scope's teams and
    departments in one period (default: the current one), with a trend over the periods
    before it."""
    key = period or current_period_key(now, settings.timezone())
    if not calendar.is_period_key(key):
        raise ValidationFailed(
            Phrase("{key} is not a period: use YYYY-MM or YYYY-Qn.", key=repr(key)), field="period"
        )
    found = insight_scope(viewer, now=now, scope=scope, period=key)
    people = found.people()
    keys = [key]
    while len(keys) < TREND_PERIODS:
        keys.append(previous_key(keys[-1]))
    keys.reverse()
    ids = [person.id for person in people]
    gave, received = _active(ids, keys)
    budget = _budget(ids, keys)

    def figures(members: list[User], period_key: str) -> dict[str, Any]:
        count = len(members)
        givers = sum(1 for p in members if p.id in gave[period_key])
        recipients = sum(1 for p in members if p.id in received[period_key])
        allowance = {name: sum(budget[period_key][p.id][name] for p in members)
                     for name in ("granted", "spent", "expired")}  # fmt: skip
        allowance["left"] = allowance["granted"] - allowance["spent"] - allowance["expired"]
        return {
            "people": count, "gave": givers, "received": recipients,
            "gave_share": round(givers / count, 4) if count else 0.0,
            "received_share": round(recipients / count, 4) if count else 0.0,
            "allowance": allowance,
        }  # fmt: skip

    teams: dict[int | None, list[User]] = defaultdict(list)
    departments: dict[int | None, list[User]] = defaultdict(list)
    for person in people:
        teams[person.manager_id].append(person)
        departments[person.department_id].append(person)
    managers = {user.id: user_reference(user) for user in db.session.scalars(
        select(User).where(among(User.id, [m for m in teams if m is not None])))}  # fmt: skip
    names = {d.id: {"id": d.id, "name": d.name} for d in db.session.scalars(select(Department))}
    since, until = calendar.period_bounds(key, settings.timezone())
    team_rows = [{"manager": managers.get(m), **figures(members, key)}
                 for m, members in teams.items()]  # fmt: skip
    department_rows = [{"department": names.get(d), **figures(members, key)}
                       for d, members in departments.items()]  # fmt: skip
    return {
        "scope": found.scope,
        "period": key,
        "since": since,
        "until": until,
        "total": figures(people, key),
        "teams": sorted(team_rows, key=lambda row: _by_name(row["manager"])),
        "departments": sorted(department_rows, key=lambda row: _by_name(row["department"])),
        "trend": [{"period": k, **figures(people, k)} for k in keys],
    }


def _by_name(reference: dict | None) -> tuple:
    """Order by name, the group without a manager or department last."""
    return (reference is None, reference["name"] if reference else "")


def _active(ids: list[int], keys: list[str]) -> tuple[dict, dict]:
    """Return, per period key, the ids of the members who gave and who received."""
    gave: dict[str, set[int]] = {k: set() for k in keys}
    received: dict[str, set[int]] = {k: set() for k in keys}
    if not ids:
        return gave, received
    base = (
        select(Period.key, AwardLine.giver_id, AwardLine.recipient_id)
        .join(Award, Award.id == AwardLine.award_id)
        .join(Period, Period.id == Award.period_id)
        .outerjoin(Reversal, Reversal.award_id == AwardLine.award_id)
        .where(Reversal.id.is_(None), Period.key.in_(keys))
        .distinct()
    )
    members = set(ids)
    touching = or_(among(AwardLine.giver_id, ids), among(AwardLine.recipient_id, ids))
    for key, giver, recipient in db.session.execute(base.where(touching)):
        if giver in members:
            gave[key].add(giver)
        if recipient in members:
            received[key].add(recipient)
    return gave, received


def _budget(ids: list[int], keys: list[str]) -> dict[str, dict[int, dict[str, int]]]:
    """Return, per period key and member, the allowance granted, spent (net of awards given
    back by reversal) and expired, from the transfers on their allowance accounts."""
    budget: dict = {k: defaultdict(lambda: {"granted": 0, "spent": 0, "expired": 0}) for k in keys}
    if not ids:
        return budget
    account = aliased(Account)
    for side, credit in ((Transfer.credit_account_id, True), (Transfer.debit_account_id, False)):
        rows = db.session.execute(
            select(Period.key, account.user_id, Transfer.kind, func.sum(Transfer.amount))
            .join(account, account.id == side)
            .join(Period, Period.id == account.period_id)
            .where(account.kind == "allowance", among(account.user_id, ids), Period.key.in_(keys))
            .group_by(Period.key, account.user_id, Transfer.kind)
        )
        for key, user_id, kind, amount in rows:
            row = budget[key][user_id]
            if credit and kind in GRANTED:
                row["granted"] += amount
            elif credit and kind == RETURNED:
                row["spent"] -= amount
            elif not credit and kind == SPENT:
                row["spent"] += amount
            elif not credit and kind == EXPIRED:
                row["expired"] += amount
    return budget
