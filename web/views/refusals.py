"""Show a ledger refusal on the form that caused it, next to the field it concerns."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from ledger.errors import LedgerError
from ledger.i18n import translated

# Refusals that belong next to one field of a form.
FIELD_FOR_CODE = {
    "self_award": "recipients",
    "unknown_recipient": "recipients",
    "recipient_inactive": "recipients",
    "duplicate_recipient": "recipients",
    "pair_cap_reached": "recipients",
}  # insufficient_allowance is about the total, not the points each: it goes above the form
# Messages that say what to do when a one-time form was sent twice.
AGAIN = {
    "idempotency_key_reused": _l(
        "This form was already sent with other values. "
        "Check the feed; to send again, review the form below and send it."
    ),
    "idempotency_in_flight": _l(
        "This is still being recorded. Check again in a moment before sending it again."
    ),
}


def show_refusal(form: FlaskForm, error: LedgerError) -> None:
    """Attach the refusal to its field if the form has one, else above the form."""
    name = error.details.get("field") or FIELD_FOR_CODE.get(error.code)
    message = str(AGAIN[error.code]) if error.code in AGAIN else translated(error.message)
    if isinstance(name, str) and name in form._fields and name != "csrf_token":
        field = form._fields[name]
        field.errors = [*field.errors, message]
    else:
        form.form_errors.append(message)
