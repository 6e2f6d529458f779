"""The request forms: ask for help, and take one step of the relay."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ledger import request_rules, rules
from web.forms.base import NonceForm
from web.text import TextRule


def _optional_id(value):
    return int(value) if value not in (None, "", "None") else None


class AskForm(NonceForm):
    need = TextAreaField(
        _l("What do you need?"),
        validators=[
            DataRequired(_l("Say what you need.")),
            TextRule(multiline=True, min_visible=request_rules.MIN_NEED),
            Length(
                min=request_rules.MIN_NEED,
                max=request_rules.MAX_NEED,
                message=_l(
                    "Describe what you need in %(low)d to %(high)d characters.",
                    low=request_rules.MIN_NEED,
                    high=request_rules.MAX_NEED,
                ),
            ),
        ],
    )
    provider = SelectField(_l("Ask a person"), coerce=_optional_id, validate_choice=False)
    department = SelectField(
        _l("or a department's queue"), coerce=_optional_id, validate_choice=False
    )
    due = DateField(
        _l("Needed by (end of that day)"), validators=[InputRequired(_l("Choose a date."))]
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if (self.provider.data is None) == (self.department.data is None):
            self.provider.errors = [*self.provider.errors, _("Choose a person or a department.")]
            return False
        return valid

    def fields_for_hash(self) -> dict:
        return {
            "need": self.need.data.strip(),
            "provider": self.provider.data,
            "department": self.department.data,
            "due_at": self.due.data.isoformat(),
        }


class StepForm(NonceForm):
    """One step; the ledger decides which fields the step needs (a hand-off's note, ...)."""

    note = TextAreaField(
        _l("Note"),
        validators=[Optional(), TextRule(multiline=True), Length(max=request_rules.MAX_NOTE)],
    )
    to = SelectField(_l("Hand it to"), coerce=_optional_id, validate_choice=False)
    with_award = BooleanField(_l("Thank everyone in the chain with points"))
    points = IntegerField(
        _l("Points for each person"),
        validators=[Optional(), NumberRange(min=1, max=rules.MAX_POINTS_PER_RECIPIENT)],
    )
    message = TextAreaField(
        _l("Your message"),
        validators=[Optional(), TextRule(multiline=True), Length(max=rules.MAX_MESSAGE)],
    )
    service_kind = SelectField(_l("How did they serve you?"), validate_choice=False)

    def validate_points(self, field) -> None:
        if self.with_award.data and field.data is None:
            raise ValueError(_("Enter the points each person gets."))

    def fields_for_hash(self, action: str) -> dict:
        fields = {"action": action, "note": (self.note.data or "").strip(), "to": self.to.data}
        if self.with_award.data:
            fields["award"] = [self.points.data, (self.message.data or "").strip(),
                               self.service_kind.data]  # fmt: skip
        return fields
