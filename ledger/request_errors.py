"""Refusals particular to service requests (the shared ones live in ledger.errors)."""

from __future__ import annotations

from ledger.errors import LedgerError
from ledger.i18n import N_


class RequestStateConflict(LedgerError):
    code = "request_state_conflict"
    default_message = N_("The request is not in a state that allows this step.")


class AlreadyAccepted(LedgerError):
    code = "already_accepted"
    default_message = N_("Someone has already accepted this request.")


class RequestFinished(LedgerError):
    code = "request_finished"
    default_message = N_("The request is closed, withdrawn or declined; nothing more can happen.")


class UnknownProvider(LedgerError):
    code = "unknown_provider"
    default_message = N_("No active person in the directory matches the provider named.")


class InvalidHandoff(LedgerError):
    code = "invalid_handoff"
    default_message = N_("A request cannot be handed to yourself or to its customer.")


class SelfRequest(LedgerError):
    code = "self_request"
    default_message = N_("You cannot ask yourself for help.")
