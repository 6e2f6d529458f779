"""Admin settings: allowance rules (from the next period on) and the service kinds."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import func, insert, select, update

from ledger import calendar, rules, settings
from ledger.db import db
from ledger.errors import NotFound, ValidationFailed
from ledger.i18n import N_, Phrase
from ledger.models import Policy, ServiceKind
from ledger.operations import Actor, OperationResult, Outcome, run_operation
from ledger.periods import policy_for
from ledger.text import check_text

LIMIT = 1_000_000
# Each amount's bounds; the points per recipient share the API's and the forms' one bound.
RANGES = {
    "base_allowance": (0, LIMIT),
    "manager_boost": (0, LIMIT),
    "max_points_per_recipient": (1, rules.MAX_POINTS_PER_RECIPIENT),
    "pair_cap": (1, LIMIT),
}
CODE = re.compile(r"^[a-z][a-z0-9-]{0,39}$")


def update_policy(
    *,
    base_allowance: int,
    manager_boost: int,
    max_points_per_recipient: int,
    pair_cap: int | None,
    period_length: str,
    now: datetime,
    actor: Actor,
) -> OperationResult:
    """Record new allowance rules from the next period (a new length: the next quarter)."""
    values = {
        "base_allowance": base_allowance,
        "manager_boost": manager_boost,
        "max_points_per_recipient": max_points_per_recipient,
        "pair_cap": pair_cap,
    }

    def body(ctx):
        _check_amounts(values, period_length)
        zone = settings.timezone()
        today = calendar.local_date(now, zone)
        current = policy_for(today)
        if period_length != current.period_length:
            start = calendar.next_quarter_start(now, zone)
        else:
            start = calendar.next_period_start(now, zone, current.period_length)
        # Never start before a change already scheduled, so the newest change wins from then on.
        pending = db.session.scalar(select(func.max(Policy.effective_from)))
        if pending is not None and pending > start:
            start = pending
        policy_id = db.session.execute(
            insert(Policy)
            .values(
                effective_from=start,
                period_length=period_length,
                created_at=now,
                created_by_id=actor.user_id,
                **values,
            )
            .returning(Policy.id)
        ).scalar_one()
        document = {"effective_from": start.isoformat(), "period_length": period_length, **values}
        return Outcome(document, "policy", policy_id, document)

    return run_operation("update_policy", body, now=now, actor=actor)


def _check_amounts(values: dict, period_length: str) -> None:
    for name, value in values.items():
        if value is None and name == "pair_cap":
            continue
        smallest, largest = RANGES[name]
        whole = isinstance(value, int) and not isinstance(value, bool)
        if not whole or not smallest <= value <= largest:
            raise ValidationFailed(
                Phrase(
                    "{setting} must be a whole number from {smallest} to {largest}.",
                    setting=name.replace("_", " ").capitalize(),
                    smallest=smallest,
                    largest=largest,
                ),
                field=name,
            )
    if period_length not in {"month", "quarter"}:
        raise ValidationFailed(N_("A period is a month or a quarter."), field="period_length")


def add_service_kind(
    code: str, *, name: str, description: str, now: datetime, actor: Actor
) -> OperationResult:
    """Add a service kind that givers can choose from now on."""

    def body(ctx):
        clean = (code or "").strip().lower()
        if not CODE.match(clean):
            raise ValidationFailed(
                N_(
                    "A code has up to 40 lower-case letters, digits or hyphens, starting with a "
                    "letter."
                ),
                field="code",
            )
        if db.session.scalar(select(ServiceKind.id).where(ServiceKind.code == clean)):
            raise ValidationFailed(
                Phrase("There is already a service kind {clean}.", clean=repr(clean)), field="code"
            )
        texts = _texts(name, description)
        kind_id = db.session.execute(
            insert(ServiceKind)
            .values(code=clean, builtin=False, active=True, **texts)
            .returning(ServiceKind.id)
        ).scalar_one()
        document = {"code": clean, "active": True, **texts}
        return Outcome(document, "service_kind", kind_id, document)

    return run_operation("add_service_kind", body, now=now, actor=actor)


def update_service_kind(
    code: str, *, name: str, description: str, active: bool, now: datetime, actor: Actor
) -> OperationResult:
    """Rename, describe, retire or bring back a service kind; past awards keep their code."""

    def body(ctx):
        kind = db.session.scalars(select(ServiceKind).where(ServiceKind.code == code)).first()
        if kind is None:
            raise NotFound(Phrase("There is no service kind {code}.", code=repr(code)))
        if not active and kind.active:
            others = db.session.scalar(
                select(func.count())
                .select_from(ServiceKind)
                .where(ServiceKind.active.is_(True), ServiceKind.id != kind.id)
            )
            if not others:
                raise ValidationFailed(
                    N_("Keep at least one service kind offered."), field="active"
                )
        texts = _texts(name, description)
        db.session.execute(
            update(ServiceKind)
            .where(ServiceKind.id == kind.id)
            .values(active=active, **texts)
            .execution_options(synchronize_session=False)
        )
        document = {"code": code, "active": active, **texts}
        return Outcome(document, "service_kind", kind.id, document)

    return run_operation("update_service_kind", body, now=now, actor=actor)


def _texts(name: str, description: str) -> dict:
    name, description = (name or "").strip(), (description or "").strip()
    check_text(name, "name", min_visible=1)
    check_text(description, "description", multiline=True, min_visible=1)
    if not 1 <= len(name) <= 80:
        raise ValidationFailed(N_("A name has 1 to 80 characters."), field="name")
    if not 1 <= len(description) <= 500:
        raise ValidationFailed(N_("A description has 1 to 500 characters."), field="description")
    return {"name": name, "description": description}
