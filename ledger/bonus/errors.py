"""Refusals particular to bonus-run states (the shared ones live in ledger.errors)."""

from __future__ import annotations

from ledger.errors import LedgerError
from ledger.i18n import N_


class AlreadyPaid(LedgerError):
    code = "already_paid"
    default_message = N_("The bonus run is paid; it can no longer be voided.")


class AlreadyVoided(LedgerError):
    code = "already_voided"
    default_message = N_("The bonus run was voided.")


class NotCommitted(LedgerError):
    code = "not_committed"
    default_message = N_("The bonus run is still a draft; commit it first.")


class VersionRequired(LedgerError):
    code = "version_required"
    default_message = N_(
        "Name the preview you commit: send its `version` (in the body or as If-Match)."
    )
