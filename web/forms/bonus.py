"""The bonus-run forms: the run's rule and the commit's confirmation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from ledger.bonus.rules import DEFAULT_CUSTOMERS_K, MAX_CUSTOMERS_K, MAX_MIN_POINTS
from web.forms.base import AMOUNT, NonceForm, choices
from web.text import TextForm


class RunForm(TextForm):
    scope = SelectField(_l("Who"), validators=[DataRequired()])
    since = DateField(_l("First day"), validators=[InputRequired()])
    until = DateField(_l("Last day (included)"), validators=[InputRequired()])
    rule = RadioField(
        _l("Rule"),
        choices=choices([("rate", _l("A rate per point")), ("pool", _l("A pool split by points"))]),
        default="rate",
    )
    amount = StringField(_l("Rate per point, or the pool"), validators=[DataRequired(), *AMOUNT])
    currency = StringField(_l("Currency"), default="EUR", validators=[Regexp(r"^[A-Z]{3}$")])
    cap = StringField(_l("Most one person gets (optional)"), validators=[Optional(), *AMOUNT])
    min_points = IntegerField(
        _l("Minimum points (optional)"),
        default=0,
        validators=[Optional(), NumberRange(0, MAX_MIN_POINTS)],
    )
    by_customers = BooleanField(_l("Weight points by distinct customers"))
    customers_k = IntegerField(
        _l("Customers that count in full"),
        default=DEFAULT_CUSTOMERS_K,
        validators=[Optional(), NumberRange(1, MAX_CUSTOMERS_K)],
    )


class ConfirmForm(NonceForm):
    confirm = BooleanField(_l("I have checked the people and amounts above"), [DataRequired()])
    # The version of the preview on the page: the commit pays exactly it, or is refused.
    version = HiddenField(validators=[DataRequired(), Length(max=128)])
