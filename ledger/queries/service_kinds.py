"""Service kinds: why an award was given."""

from __future__ import annotations

from sqlalchemy import select

from ledger.db import db
from ledger.i18n import N_
from ledger.models import ServiceKind

# The built-in kinds as the first migration wrote them, marked for the catalogues: pages show
# them in the reader's language (ledger.i18n.translated); names an admin typed stay as typed.
BUILTIN_TEXTS = (
    N_("Met my need"),
    N_("Met my real need: I, the internal customer, placed the order."),
    N_("Proactive"),
    N_("Helped before I asked."),
    N_("Clean hand-off"),
    N_("Passed the baton cleanly: nothing dropped, nothing to chase."),
    N_("Lead time"),
    N_("Gave me lead time to prepare."),
)


def service_kinds(active_only: bool = True) -> list[dict]:
    """Return the service kinds with their state, built-in ones first."""
    query = select(ServiceKind).order_by(ServiceKind.builtin.desc(), ServiceKind.id)
    if active_only:
        query = query.where(ServiceKind.active.is_(True))
    return [
        {
            "code": kind.code,
            "name": kind.name,
            "description": kind.description,
            "builtin": kind.builtin,
            "active": kind.active,
        }
        for kind in db.session.scalars(query)
    ]


def active_kind_codes() -> list[str]:
    """Return the codes an award may name now, oldest first."""
    return list(
        db.session.scalars(
            select(ServiceKind.code).where(ServiceKind.active.is_(True)).order_by(ServiceKind.id)
        )
    )
