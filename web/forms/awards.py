"""The award forms: give an award, reverse one."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, RadioField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from ledger import rules
from web.forms.base import NonceForm
from web.text import TextRule


class GiveForm(NonceForm):
    recipients = SelectMultipleField(
        _l("Who served you?"),
        coerce=int,
        validate_choice=False,  # the ledger names an unknown or inactive person precisely
        validators=[DataRequired(_l("Choose at least one person to thank."))],
    )
    points = IntegerField(
        _l("Points for each person"),
        validators=[
            InputRequired(_l("Enter how many points each person gets.")),
            NumberRange(min=1, message=_l("Give at least 1 point to each person.")),
            NumberRange(
                max=rules.MAX_POINTS_PER_RECIPIENT,
                message=_l(
                    "Give at most %(most)s points to each person.",
                    most=rules.MAX_POINTS_PER_RECIPIENT,
                ),
            ),
        ],
    )
    service_kind = RadioField(
        _l("How did they serve you?"),
        validators=[InputRequired(_l("Choose how they served you."))],
    )
    message = TextAreaField(
        _l("Your message"),
        validators=[
            DataRequired(_l("Write a message saying how they served you.")),
            TextRule(multiline=True, min_visible=rules.MIN_MESSAGE),
            Length(
                min=rules.MIN_MESSAGE,
                max=rules.MAX_MESSAGE,
                message=_l(
                    "Write %(least)s to %(most)s characters saying how they served you.",
                    least=rules.MIN_MESSAGE,
                    most=rules.MAX_MESSAGE,
                ),
            ),
        ],
    )

    proactive = BooleanField(_l("They helped before I asked (no request behind it)"))

    def validate_recipients(self, field) -> None:
        if len(field.data or []) > rules.MAX_RECIPIENTS:
            raise ValidationError(
                gettext(
                    _l("Choose at most %(most)s people; you chose %(count)s."),
                    most=rules.MAX_RECIPIENTS,
                    count=len(field.data),
                )
            )

    def fields_for_hash(self) -> dict:
        """Return the parsed fields that identify this request for its idempotency key."""
        return {
            "recipients": sorted(self.recipients.data),
            "points": self.points.data,
            "service_kind": self.service_kind.data,
            "message": self.message.data.strip(),
            **({"proactive": True} if self.proactive.data else {}),
        }


class AddOnForm(NonceForm):
    points = IntegerField(
        _l("Points to each person"),
        validators=[
            InputRequired(_l("Enter how many points each person gets from you.")),
            NumberRange(min=1, message=_l("Add at least 1 point.")),
            NumberRange(
                max=rules.MAX_POINTS_PER_RECIPIENT,
                message=_l(
                    "Add at most %(most)s points to each person.",
                    most=rules.MAX_POINTS_PER_RECIPIENT,
                ),
            ),
        ],
    )
    message = TextAreaField(
        _l("Your message (optional)"),
        validators=[
            TextRule(multiline=True),
            Length(
                max=rules.MAX_MESSAGE,
                message=_l("Keep it under %(most)s characters.", most=rules.MAX_MESSAGE),
            ),
        ],
    )


class ReversalForm(NonceForm):
    reason = TextAreaField(
        _l("Why is this award reversed?"),
        validators=[
            DataRequired(_l("Give the reason; it is kept in the audit trail.")),
            Length(max=1000, message=_l("Keep the reason under 1000 characters.")),
        ],
    )
    clawback = BooleanField(
        _l("If some of it was already paid out, claw it back from later bonuses")
    )
