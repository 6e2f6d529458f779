"""The one text rule on the web: every form's text fields and every query string obey it."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, ValidationError

from ledger.i18n import translated
from ledger.text import text_problem
from ops.edge import is_api_request, is_scim_request

# Query parameters whose page shows the problem beside its own search box (see search_text).
SEARCH_PARAMETERS = frozenset({"q"})


class TextRule:
    """A WTForms validator refusing what `ledger.text.text_problem` refuses."""

    def __init__(self, *, multiline: bool = False, min_visible: int = 0) -> None:
        self.multiline = multiline
        self.min_visible = min_visible

    def __call__(self, form, field) -> None:
        if not isinstance(field.data, str) or not field.data:
            return
        problem = text_problem(field.data, multiline=self.multiline, min_visible=self.min_visible)
        if problem is not None:
            raise ValidationError(translated(problem))


def default_rule(field) -> TextRule:
    """Return the rule a text field gets unless it declares its own: one line unless a textarea."""
    required = any(isinstance(v, DataRequired | InputRequired) for v in field.validators)
    return TextRule(multiline=isinstance(field, TextAreaField), min_visible=1 if required else 0)


class TextForm(FlaskForm):
    """A form whose every text field (hidden ones too, passwords aside) obeys the text rule."""

    def validate(self, extra_validators=None) -> bool:
        extra = {name: list(rules) for name, rules in (extra_validators or {}).items()}
        for name, field in self._fields.items():
            if not isinstance(field, StringField) or isinstance(field, PasswordField):
                continue  # a password is only ever hashed, never stored or searched
            if not any(isinstance(rule, TextRule) for rule in field.validators):
                extra.setdefault(name, []).append(default_rule(field))
        return super().validate(extra)


def search_text(name: str = "q") -> tuple[str, str | None]:
    """Return a search box's text and, when it breaks the text rule, the problem to show."""
    text = request.args.get(name, "")
    problem = text_problem(text)
    return text, None if problem is None else translated(problem)


def refuse_unreadable_query():
    """Answer 400 for a query-string value that breaks the text rule (search boxes aside)."""
    if is_api_request() or is_scim_request():
        return None  # the API's schemas (SCIM's filter check) name the parameter in JSON
    for name, value in request.args.items(multi=True):
        problem = None if name in SEARCH_PARAMETERS else text_problem(value)
        if problem is None and text_problem(name) is not None:
            problem = text_problem(name)
        if problem is not None:
            advice = gettext(
                "The “%(name)s” part of the address cannot be read: %(problem)s",
                name=name[:40],
                problem=translated(problem),
            )
            title = gettext("That address holds a character Baton does not accept")
            return render_template("error.html", status=400, title=title, advice=advice), 400
    return None
