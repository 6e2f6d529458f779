"""The web forms: field rules people see, checked again by the ledger services."""

from __future__ import annotations

import secrets

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from ledger import rules
from ledger.services.allowances import MAX_REASON as MAX_TOP_UP_REASON
from ledger.services.allowances import MAX_TOP_UP
from web.text import TextForm, TextRule

WHOLE = "Enter a whole number, such as 10."
AMOUNT = [
    Length(max=20),
    Regexp(r"^\s*\d[\d,]*(\.\d+)?\s*$", message="Enter an amount like 12.50."),
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


class TopUpForm(NonceForm):
    user = SelectField(
        "Person",
        coerce=int,
        validate_choice=False,
        validators=[DataRequired("Choose who gets the points.")],
    )
    points = IntegerField(
        "Points to add",
        validators=[
            InputRequired(WHOLE),
            NumberRange(min=1, max=MAX_TOP_UP, message=f"Add 1 to {MAX_TOP_UP} points."),
        ],
    )
    reason = StringField(
        "Reason",
        validators=[
            DataRequired("Say why, for the audit trail."),
            Length(max=MAX_TOP_UP_REASON),
        ],
    )


class PolicyForm(TextForm):
    base_allowance = IntegerField(
        "Base allowance per period",
        validators=[InputRequired(WHOLE), NumberRange(min=0, max=1_000_000)],
    )
    manager_boost = IntegerField(
        "Manager boost per active direct report",
        validators=[InputRequired(WHOLE), NumberRange(min=0, max=1_000_000)],
    )
    max_points_per_recipient = IntegerField(
        "Most points per recipient in one award",
        validators=[
            InputRequired(WHOLE),
            NumberRange(min=1, max=rules.MAX_POINTS_PER_RECIPIENT),
        ],
    )
    pair_cap = IntegerField(
        "Most points one person may give another per period (empty: no cap)",
        validators=[Optional(), NumberRange(min=1, max=1_000_000)],
    )
    period_length = SelectField(
        "Period length", choices=choices([("month", "A calendar month"), ("quarter", "A quarter")])
    )


class ServiceKindForm(TextForm):
    code = StringField(
        "Code",
        validators=[
            DataRequired("Give the kind a short code."),
            Length(max=40),
            Regexp(
                r"^[a-z][a-z0-9-]*$",
                message="Use lower-case letters, digits and hyphens, starting with a letter.",
            ),
        ],
    )
    name = StringField("Name", validators=[DataRequired("Give the kind a name."), Length(max=80)])
    description = TextAreaField(
        "What it means", validators=[DataRequired("Say what it means."), Length(max=500)]
    )


class ServiceKindEditForm(TextForm):
    name = StringField("Name", validators=[DataRequired("Give the kind a name."), Length(max=80)])
    description = TextAreaField(
        "What it means", validators=[DataRequired("Say what it means."), Length(max=500)]
    )
    active = BooleanField("Offered on the award form")


class ClosePeriodForm(TextForm):
    key = HiddenField(validators=[DataRequired()])
    force = BooleanField("Close it now, before it ends")


class PersonForm(TextForm):
    name = StringField(
        "Name", validators=[DataRequired("Enter the person's name."), Length(max=200)]
    )
    email = StringField(
        "Email", validators=[DataRequired("Enter a work email address."), Length(max=254)]
    )
    department = StringField("Department", validators=[Optional(), Length(max=120)])
    manager_id = SelectField("Manager", coerce=int, validate_choice=False)
    role = SelectField(
        "Role",
        choices=choices([("employee", "Employee"), ("manager", "Manager"), ("admin", "Admin")]),
    )
    employee_number = StringField("HR employee number", validators=[Optional(), Length(max=64)])


class PersonEditForm(PersonForm):
    slack_user_id = StringField(
        "Slack member id",
        validators=[
            Optional(),
            Regexp(r"^[UWuw][A-Za-z0-9]{1,31}$", message="A Slack member id looks like U0123ABCD."),
        ],
    )


class NewPersonForm(PersonForm):
    password = StringField(
        "First password (optional: at least 10 characters)",
        validators=[Optional(), Length(min=10, max=1024)],
    )


class ImportForm(TextForm):
    file = FileField(
        "HR file (CSV or JSON)",
        validators=[FileRequired("Choose a CSV or JSON file to import.")],
    )
    dry_run = BooleanField("Dry run: show what would change, write nothing", default=True)


class ReversalForm(NonceForm):
    reason = TextAreaField(
        "Why is this award reversed?",
        validators=[
            DataRequired("Give the reason; it is kept in the audit trail."),
            Length(max=1000, message="Keep the reason under 1000 characters."),
        ],
    )
    clawback = BooleanField("If some of it was already paid out, claw it back from later bonuses")


class RunForm(TextForm):
    scope = SelectField("Who", validators=[DataRequired()])
    since = DateField("From (inclusive)", validators=[InputRequired()])
    until = DateField("To (inclusive)", validators=[InputRequired()])
    rule = RadioField(
        "Rule",
        choices=choices([("rate", "A rate per point"), ("pool", "A pool split by points")]),
        default="rate",
    )
    amount = StringField("Rate per point, or the pool", validators=[DataRequired(), *AMOUNT])
    currency = StringField("Currency", default="EUR", validators=[Regexp(r"^[A-Z]{3}$")])
    cap = StringField("Most one person gets (optional)", validators=[Optional(), *AMOUNT])
    min_points = IntegerField(
        "Minimum points (optional)", default=0, validators=[Optional(), NumberRange(0, 10**6)]
    )


class ConfirmForm(NonceForm):
    confirm = BooleanField("I have checked the people and amounts above", [DataRequired()])
    # The version of the preview on the page: the commit pays exactly it, or is refused.
    version = HiddenField(validators=[DataRequired(), Length(max=128)])
