"""Read bonus runs: lists, one run with its lines, and the payroll rows; reads never write."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from sqlalchemy import select

from ledger.db import db
from ledger.errors import NotFound, ValidationFailed
from ledger.i18n import N_, Phrase
from ledger.id_lists import among
from ledger.models import BonusRun, BonusRunLine, User

from .collect import preview
from .documents import draft_document, run_document, stored_document
from .errors import NotCommitted
from .money import major_units
from .scope import can_manage

MAX_LIMIT = 500
NO_HR_NUMBER = "NO HR EMPLOYEE NUMBER: match this person by email before paying"
PAYROLL_COLUMNS = (
    "employee_id",
    "email",
    "name",
    "department",
    "points",
    "amount",
    "currency",
    "run_id",
    "check",
)


def visible_run(run_id: int, viewer: User | None) -> BonusRun:
    """Return the run if the viewer may manage it; otherwise it does not exist for them."""
    run = db.session.get(BonusRun, run_id)
    if run is None or not can_manage(viewer, run):
        raise NotFound(Phrase("There is no bonus run {run_id} within your reach.", run_id=run_id))
    return run


def get_run(run_id: int, viewer: User | None) -> dict[str, Any]:
    """Describe a run with its lines and version: a draft's preview is recomputed now."""
    run = visible_run(run_id, viewer)
    if run.status == "draft":
        return draft_document(run, preview(run, db.session.get(User, run.created_by_id)))
    return run_document(run, stored_document(run, stored_lines(run.id)))


def list_runs(
    viewer: User | None, *, status: str | None = None, limit: int = 50, cursor: str | None = None
) -> dict[str, Any]:
    """Return the runs the viewer may manage, newest first, a page at a time."""
    limit = max(1, min(limit, MAX_LIMIT))
    query = select(BonusRun).order_by(BonusRun.id.desc())
    if status:
        query = query.where(BonusRun.status == status)
    if cursor:
        query = query.where(BonusRun.id < _decode(cursor))
    items: list[BonusRun] = []
    for run in db.session.scalars(query):
        if can_manage(viewer, run):
            items.append(run)
            if len(items) > limit:
                break
    page = items[:limit]
    next_cursor = _encode(page[-1].id) if len(items) > limit else None
    return {"items": [run_document(run) for run in page], "next_cursor": next_cursor}


def payroll(run_id: int, viewer: User | None) -> list[dict[str, Any]]:
    """Return one payroll row per person paid more than zero by a committed run."""
    run = visible_run(run_id, viewer)
    if run.status == "draft":
        raise NotCommitted(
            Phrase("Bonus run {id} is a draft; commit it to get a payroll file.", id=run.id)
        )
    if run.status == "voided":
        return []
    rows = db.session.execute(
        select(BonusRunLine, User)
        .join(User, User.id == BonusRunLine.user_id)
        .where(BonusRunLine.bonus_run_id == run.id, BonusRunLine.amount_cents > 0)
        .order_by(User.name, User.id)
    ).all()
    return [
        {
            # Never Baton's own id in the HR number's place: payroll would pay the wrong person.
            "employee_id": user.employee_number or "",
            "email": user.email,
            "name": user.name,
            "department": user.department.name if user.department else "",
            "points": line.points - line.clawback_points,
            "amount": major_units(line.amount_cents, run.currency),
            "currency": run.currency,
            "run_id": run.id,
            "check": "" if user.employee_number else NO_HR_NUMBER,
        }
        for line, user in rows
    ]


def without_hr_number(user_ids: list[int]) -> set[int]:
    """Return who among these people has no HR employee number for the payroll file."""
    if not user_ids:
        return set()
    return set(
        db.session.scalars(
            select(User.id).where(among(User.id, user_ids), User.employee_number.is_(None))
        )
    )


def stored_lines(run_id: int) -> list[BonusRunLine]:
    """Return a committed run's fixed lines, by person."""
    return list(
        db.session.scalars(
            select(BonusRunLine)
            .where(BonusRunLine.bonus_run_id == run_id)
            .order_by(BonusRunLine.user_id)
        )
    )


def _encode(run_id: int) -> str:
    return base64.urlsafe_b64encode(f"run:{run_id}".encode()).decode().rstrip("=")


def _decode(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, binascii.Error, UnicodeDecodeError) as error:
        raise ValidationFailed(
            N_("The cursor is not one this server gave."), field="cursor"
        ) from error
    prefix, _, number = text.partition(":")
    if prefix != "run" or not number.isdigit() or len(number) > 10:
        raise ValidationFailed(N_("The cursor is not one this server gave."), field="cursor")
    return int(number)
