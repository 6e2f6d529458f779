"""Text fields for the API: the ledger's one text rule wherever JSON or a query string is read."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate

from ledger.text import text_problem


class TextRule(validate.Validator):
    """Refuse what `ledger.text.text_problem` refuses, with its sentence as the field error."""

    def __init__(self, *, multiline: bool = False, min_visible: int = 0) -> None:
        self.multiline = multiline
        self.min_visible = min_visible

    def __call__(self, value: str) -> str:
        problem = text_problem(value, multiline=self.multiline, min_visible=self.min_visible)
        if problem is not None:
            raise ValidationError(problem)
        return value


def Text(
    maximum: int,
    *,
    minimum: int = 1,
    multiline: bool = False,
    min_visible: int | None = None,
    **kwargs: Any,
) -> fields.String:
    """Return a string field of `minimum` to `maximum` characters under the text rule.

    Single-line text refuses control characters, line breaks and direction overrides;
    `multiline` text keeps line breaks and tabs. `min_visible` (default: 1 when a value is
    required to be non-empty) counts only characters that show on screen.
    """
    if min_visible is None:
        min_visible = 1 if minimum else 0
    rules = [
        validate.Length(minimum, maximum),
        TextRule(multiline=multiline, min_visible=min_visible),
    ]
    return fields.String(validate=rules, **kwargs)
