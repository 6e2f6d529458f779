"""The award forms: give an award, reverse one."""

from __future__ import annotations

from wtforms import BooleanField, IntegerField, RadioField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from ledger import rules
from web.forms.base import NonceForm
from web.text import TextRule


class GiveForm(NonceForm):
    recipients = SelectMultipleField(
        "Who served you?",
        coerce=int,
        validate_choice=False,  # the ledger names an unknown or inactive person precisely
        validators=[DataRequired("Choose at least one person to thank.")],
    )
    points = IntegerField(
        "Points for each person",
        validators=[
            InputRequired("Enter how many points each person gets."),
            NumberRange(min=1, message="Give at least 1 point to each person."),
            NumberRange(
                max=rules.MAX_POINTS_PER_RECIPIENT,
                message=f"Give at most {rules.MAX_POINTS_PER_RECIPIENT} points to each person.",
            ),
        ],
    )
    service_kind = RadioField(
        "How did they serve you?",
        validators=[InputRequired("Choose how they served you.")],
    )
    message = TextAreaField(
        "Your message",
        validators=[
            DataRequired("Write a message saying how they served you."),
            TextRule(multiline=True, min_visible=rules.MIN_MESSAGE),
            Length(
                min=rules.MIN_MESSAGE,
                max=rules.MAX_MESSAGE,
                message=f"Write {rules.MIN_MESSAGE} to {rules.MAX_MESSAGE} characters saying "
                "how they served you.",
            ),
        ],
    )

    def validate_recipients(self, field) -> None:
        if len(field.data or []) > rules.MAX_RECIPIENTS:
            raise ValidationError(
                f"Choose at most {rules.MAX_RECIPIENTS} people; you chose {len(field.data)}."
            )

    def fields_for_hash(self) -> dict:
        """Return the parsed fields that identify this request for its idempotency key."""
        return {
            "recipients": sorted(self.recipients.data),
            "points": self.points.data,
            "service_kind": self.service_kind.data,
            "message": self.message.data.strip(),
        }


class AddOnForm(NonceForm):
    points = IntegerField(
        "Points to each person",
        validators=[
            InputRequired("Enter how many points each person gets from you."),
            NumberRange(min=1, message="Add at least 1 point."),
            NumberRange(
                max=rules.MAX_POINTS_PER_RECIPIENT,
                message=f"Add at most {rules.MAX_POINTS_PER_RECIPIENT} points to each person.",
            ),
        ],
    )
    message = TextAreaField(
        "Your message (optional)",
        validators=[
            TextRule(multiline=True),
            Length(max=rules.MAX_MESSAGE, message=f"Keep it under {rules.MAX_MESSAGE} characters."),
        ],
    )


class ReversalForm(NonceForm):
    reason = TextAreaField(
        "Why is this award reversed?",
        validators=[
            DataRequired("Give the reason; it is kept in the audit trail."),
            Length(max=1000, message="Keep the reason under 1000 characters."),
        ],
    )
    clawback = BooleanField("If some of it was already paid out, claw it back from later bonuses")
