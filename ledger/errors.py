"""Domain errors: each names the rule that refused an operation."""

from __future__ import annotations

from typing import Any, ClassVar

from ledger.i18n import N_, Phrase

_BY_CODE: dict[str, type[LedgerError]] = {}


class LedgerError(Exception):
    """A refusal decided by a ledger rule; `code` is stable and documented."""

    code: ClassVar[str] = "ledger_error"
    default_message: ClassVar[str] = N_("The ledger refused the operation.")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # The first class of a code wins: a narrower subclass sharing the code (such as the
        # import's ImportRejected) must not change what a stored refusal replays as.
        _BY_CODE.setdefault(cls.code, cls)

    def __init__(self, message: str | None = None, **details: Any) -> None:
        self.message = message or self.default_message
        self.details = details
        self.replayed = False
        super().__init__(self.message)

    def to_document(self) -> dict[str, Any]:
        document: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details:
            document["details"] = self.details
        if isinstance(self.message, Phrase) and self.message.values:
            # Kept so that a replay is translated like the first answer (ledger.i18n).
            document["phrase"] = {"template": self.message.template, **self.message.values}
        return document

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> LedgerError:
        """Rebuild a stored rejection so that a replay raises what the first try raised."""
        error_class = _BY_CODE.get(document["code"], LedgerError)
        message = document["message"]
        if "phrase" in document:
            values = dict(document["phrase"])
            message = Phrase(values.pop("template"), **values)
        error = error_class(message, **document.get("details", {}))
        error.replayed = True
        return error


class ValidationFailed(LedgerError):
    code = "validation_error"
    default_message = N_("The request is not valid.")


class Taken(ValidationFailed):
    """A value that must be unique (an email, an employee number) belongs to someone else."""


class NotFound(LedgerError):
    code = "not_found"
    default_message = N_("No such object.")


class Forbidden(LedgerError):
    code = "forbidden"
    default_message = N_("You may not do this.")


class ScopeMissing(Forbidden):
    code = "scope_missing"
    default_message = N_("This needs the manage scope.")


class SelfAward(LedgerError):
    code = "self_award"
    default_message = N_("You cannot award points to yourself.")


class InsufficientAllowance(LedgerError):
    code = "insufficient_allowance"
    default_message = N_("Your allowance for this period is too small for this award.")


class InsufficientPoints(LedgerError):
    code = "insufficient_points"
    default_message = N_("The account does not hold enough points for this movement.")


class UnknownRecipient(LedgerError):
    code = "unknown_recipient"
    default_message = N_("A recipient is not in the directory.")


class RecipientInactive(LedgerError):
    code = "recipient_inactive"
    default_message = N_("A recipient is inactive or cannot receive points.")


class DuplicateRecipient(LedgerError):
    code = "duplicate_recipient"
    default_message = N_("A recipient is named twice.")


class PairCapReached(LedgerError):
    code = "pair_cap_reached"
    default_message = N_("You have given this person the most points allowed this period.")


class PeriodClosed(LedgerError):
    code = "period_closed"
    default_message = N_("The period is closed.")


class AlreadyReversed(LedgerError):
    code = "already_reversed"
    default_message = N_("The award has already been reversed.")


class AlreadyConverted(LedgerError):
    code = "already_converted"
    default_message = N_("Part of the award has already been paid out by a bonus run.")


class AlreadyCommitted(LedgerError):
    code = "already_committed"
    default_message = N_("The bonus run has already been committed.")


class DraftStale(LedgerError):
    code = "draft_stale"
    default_message = N_("The bonus run changed since its preview; review it again.")


class EmptyRun(LedgerError):
    code = "empty_run"
    default_message = N_("No one in scope has points to convert in this window.")


class ManagerIneligible(LedgerError):
    code = "manager_ineligible"
    default_message = N_("Only an active person can be someone's manager.")


class CannotChangeSelf(LedgerError):
    code = "cannot_change_self"
    default_message = N_("You cannot deactivate or demote yourself or the last admin.")


class NotTheGiver(Forbidden):
    code = "not_the_giver"
    default_message = "Only the award's giver may withdraw it; an admin may reverse it."


class WithdrawalWindowPassed(LedgerError):
    code = "withdrawal_window_passed"
    default_message = "An award can be withdrawn only in its first minutes; ask an admin."


class AlreadyAddedTo(LedgerError):
    code = "already_added_to"
    default_message = "Others have added points to this award; ask an admin to reverse it."


class AddOnToOwnAward(LedgerError):
    code = "add_on_to_own_award"
    default_message = "You gave this award; give a new one to add more."


class AddOnToAddOn(LedgerError):
    code = "add_on_to_add_on"
    default_message = "This is an add-on; add to the award it adds to."


class IdempotencyKeyReused(LedgerError):
    code = "idempotency_key_reused"
    default_message = N_("This idempotency key was already used for a different request.")


class IdempotencyInFlight(LedgerError):
    code = "idempotency_in_flight"
    default_message = N_("A request with this idempotency key is still being processed.")


class Busy(LedgerError):
    code = "busy"
    default_message = N_("The ledger is busy; try again shortly.")


class DatabaseUnavailable(Busy):
    """The database cannot be reached or used right now; the request may be sent again."""

    default_message = N_("The database is unavailable or restarting; try again shortly.")


# The one map from an error code to the HTTP status both adapters answer it with (the API's
# JSON error and the web's error page); docs/ledger.md lists it. Every code a LedgerError
# can carry is here (a test holds it to that), as are the API's own edge codes.
HTTP_STATUS: dict[str, int] = {
    "bad_request": 400,
    "idempotency_key_missing": 400,
    "unauthenticated": 401,
    "token_required": 401,
    "forbidden": 403,
    "scope_missing": 403,
    "sso_refused": 403,
    "not_the_giver": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "already_reversed": 409,
    "already_converted": 409,
    "already_added_to": 409,
    "withdrawal_window_passed": 409,
    "already_committed": 409,
    "already_paid": 409,
    "already_voided": 409,
    "not_committed": 409,
    "draft_stale": 409,
    "idempotency_in_flight": 409,
    "period_closed": 409,
    "insufficient_points": 409,
    "open_transactions": 409,
    "ledger_error": 409,
    "too_large": 413,
    "validation_error": 422,
    "self_award": 422,
    "insufficient_allowance": 422,
    "unknown_recipient": 422,
    "recipient_inactive": 422,
    "duplicate_recipient": 422,
    "pair_cap_reached": 422,
    "empty_run": 422,
    "add_on_to_own_award": 422,
    "add_on_to_add_on": 422,
    "idempotency_key_reused": 422,
    "cannot_change_self": 422,
    "manager_ineligible": 422,
    "import_refused": 422,
    "version_required": 428,
    "rate_limited": 429,
    "busy": 503,
}


def http_status(code: str) -> int:
    """Return the HTTP status an error code answers with (409 for a code not listed)."""
    return HTTP_STATUS.get(code, 409)
