"""Sentences the ledger writes in English and each reader gets in their own language.

The ledger decides what to say (a refusal, a mail line) but not who reads it: a `Phrase`
is English text that keeps its template and values, and `translated` renders it in the
locale Flask-Babel chose for the current request or mail. The English template is the
message id in the catalogues (`pybabel extract -k Phrase -k N_`, see the Makefile).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask_babel import force_locale, get_translations

# The languages Baton speaks (Babel locale names), the first the default; users.language
# holds one of them or NULL (follow the browser).
LANGUAGES = ("en", "zh_Hans")
DEFAULT_LANGUAGE = LANGUAGES[0]
# Each language named in itself, for the control that chooses one.
LANGUAGE_NAMES = {"en": "English", "zh_Hans": "简体中文"}


class Phrase(str):
    """An English sentence (`template` filled with `values`) that an edge can translate."""

    template: str
    values: dict[str, Any]

    def __new__(cls, template: str, /, **values: Any) -> Phrase:
        # Kept in a stored refusal (JSON), so anything but a plain value is kept as its text.
        values = {
            k: v if isinstance(v, str | int | float | None) else str(v) for k, v in values.items()
        }
        phrase = super().__new__(cls, template.format(**values) if values else template)
        phrase.template = template
        phrase.values = values
        return phrase


def N_(text: str) -> str:
    """Mark `text` for the catalogues without translating it (it is translated when shown)."""
    return text


def translated(text: str) -> str:
    """Return `text` in the current locale: a Phrase by its template, any other by itself."""
    template = getattr(text, "template", text)
    values = getattr(text, "values", None) or {}
    found = get_translations().gettext(template)
    return found.format(**values) if values else found


@contextmanager
def in_language(language: str | None) -> Iterator[None]:
    """Translate in `language` (the default when it is None or unknown) inside the block."""
    with force_locale(language if language in LANGUAGES else DEFAULT_LANGUAGE):
        yield
