"""What every web form shares: select options, amounts and the one-time key."""

from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectChoice
from wtforms.validators import DataRequired, Length, Regexp

from web.text import TextForm

WHOLE = _l("Enter a whole number, such as 10.")
AMOUNT = [
    Length(max=20),
    Regexp(r"^\s*\d[\d,]*(\.\d+)?\s*$", message=_l("Enter an amount like 12.50.")),
]


def choices(pairs) -> list[SelectChoice]:
    """Turn (value, label) pairs into select options."""
    return [SelectChoice(value=value, label=label) for value, label in pairs]


def fresh_nonce() -> str:
    """Return a one-time key for a form render: a resubmit of that render gives one effect."""
    return secrets.token_urlsafe(18)


class NonceForm(TextForm):
    """A form whose every render carries a fresh one-time key against double submits."""

    nonce = HiddenField(validators=[DataRequired(), Length(min=16, max=64)])

    def renew_nonce(self) -> None:
        self.nonce.data = fresh_nonce()
