"""Service kinds: why an award was given."""

from __future__ import annotations

from sqlalchemy import select

from ledger.db import db
from ledger.models import ServiceKind


def service_kinds(active_only: bool = True) -> list[dict]:
    query = select(ServiceKind).order_by(ServiceKind.builtin.desc(), ServiceKind.id)
    if active_only:
        query = query.where(ServiceKind.active.is_(True))
    return [
        {"code": kind.code, "name": kind.name, "description": kind.description}
        for kind in db.session.scalars(query)
    ]


def service_kinds_all() -> list[dict]:
    """Return every service kind with its state, built-in ones first."""
    rows = db.session.scalars(
        select(ServiceKind).order_by(ServiceKind.builtin.desc(), ServiceKind.id)
    )
    return [
        {
            "code": kind.code,
            "name": kind.name,
            "description": kind.description,
            "builtin": kind.builtin,
            "active": kind.active,
        }
        for kind in rows
    ]
