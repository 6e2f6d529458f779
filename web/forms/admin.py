"""The admin forms: allowances, policy, service kinds, periods, people and the HR import."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
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
        _l("Person"),
        coerce=int,
        validate_choice=False,
        validators=[DataRequired(_l("Choose who gets the points."))],
    )
    points = IntegerField(
        _l("Points to add"),
        validators=[
            InputRequired(WHOLE),
            NumberRange(
                min=1, max=MAX_TOP_UP, message=_l("Add 1 to %(most)s points.", most=MAX_TOP_UP)
            ),
        ],
    )
    reason = StringField(
        _l("Reason"),
        validators=[
            DataRequired(_l("Say why, for the audit trail.")),
            Length(max=MAX_TOP_UP_REASON),
        ],
    )


class PolicyForm(TextForm):
    base_allowance = IntegerField(
        _l("Base allowance per period"),
        validators=[InputRequired(WHOLE), NumberRange(min=0, max=1_000_000)],
    )
    manager_boost = IntegerField(
        _l("Manager boost per active direct report"),
        validators=[InputRequired(WHOLE), NumberRange(min=0, max=1_000_000)],
    )
    max_points_per_recipient = IntegerField(
        _l("Most points per recipient in one award"),
        validators=[
            InputRequired(WHOLE),
            NumberRange(min=1, max=rules.MAX_POINTS_PER_RECIPIENT),
        ],
    )
    pair_cap = IntegerField(
        _l("Most points one person may give another per period (empty: no cap)"),
        validators=[Optional(), NumberRange(min=1, max=1_000_000)],
    )
    period_length = SelectField(
        _l("Period length"),
        choices=choices([("month", _l("A calendar month")), ("quarter", _l("A quarter"))]),
    )


class ServiceKindForm(TextForm):
    code = StringField(
        _l("Code"),
        validators=[
            DataRequired(_l("Give the kind a short code.")),
            Length(max=40),
            Regexp(
                r"^[a-z][a-z0-9-]*$",
                message=_l("Use lower-case letters, digits and hyphens, starting with a letter."),
            ),
        ],
    )
    name = StringField(
        _l("Name"), validators=[DataRequired(_l("Give the kind a name.")), Length(max=80)]
    )
    description = TextAreaField(
        _l("What it means"), validators=[DataRequired(_l("Say what it means.")), Length(max=500)]
    )


class ServiceKindEditForm(TextForm):
    name = StringField(
        _l("Name"), validators=[DataRequired(_l("Give the kind a name.")), Length(max=80)]
    )
    description = TextAreaField(
        _l("What it means"), validators=[DataRequired(_l("Say what it means.")), Length(max=500)]
    )
    active = BooleanField(_l("Offered on the award form"))


class ClosePeriodForm(TextForm):
    key = HiddenField(validators=[DataRequired()])
    force = BooleanField(_l("Close it now, before it ends"))


class PersonForm(TextForm):
    name = StringField(
        _l("Name"), validators=[DataRequired(_l("Enter the person's name.")), Length(max=200)]
    )
    email = StringField(
        _l("Email"), validators=[DataRequired(_l("Enter a work email address.")), Length(max=254)]
    )
    department = StringField(_l("Department"), validators=[Optional(), Length(max=120)])
    manager_id = SelectField(_l("Manager"), coerce=int, validate_choice=False)
    role = SelectField(
        _l("Role"),
        choices=choices(
            [("employee", _l("Employee")), ("manager", _l("Manager")), ("admin", _l("Admin"))]
        ),
    )
    employee_number = StringField(_l("HR employee number"), validators=[Optional(), Length(max=64)])


class PersonEditForm(PersonForm):
    slack_user_id = StringField(
        _l("Slack member id"),
        validators=[
            Optional(),
            Regexp(
                r"^[UWuw][A-Za-z0-9]{1,31}$", message=_l("A Slack member id looks like U0123ABCD.")
            ),
        ],
    )


class NewPersonForm(PersonForm):
    kind = SelectField(
        _l("Kind"),
        choices=choices(
            [
                ("person", _l("A person")),
                ("service", _l("A service account (an integration; may give on behalf of people)")),
                ("bot", _l("A bot (reads only)")),
            ]
        ),
    )
    password = StringField(
        _l("First password (optional: at least 10 characters)"),
        validators=[Optional(), Length(min=10, max=1024)],
    )


class ImportForm(TextForm):
    file = FileField(
        _l("HR file (CSV or JSON)"),
        validators=[FileRequired(_l("Choose a CSV or JSON file to import."))],
    )
    dry_run = BooleanField(_l("Dry run: show what would change, write nothing"), default=True)
