"""The admin forms: allowances, policy, service kinds, periods, people and the HR import."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from ledger import rules
from ledger.services.allowances import MAX_REASON as MAX_TOP_UP_REASON
from ledger.services.allowances import MAX_TOP_UP
from web.forms.base import WHOLE, NonceForm, choices
from web.text import TextForm


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
    kind = SelectField(
        "Kind",
        choices=choices(
            [
                ("person", "A person"),
                ("service", "A service account (an integration; may give on behalf of people)"),
                ("bot", "A bot (reads only)"),
            ]
        ),
    )
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
