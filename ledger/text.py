"""The one text rule: what a string must be before Baton stores it or searches for it."""

from __future__ import annotations

import unicodedata

from ledger.errors import ValidationFailed
from ledger.i18n import N_, Phrase

# Explicit embeddings, overrides and isolates reorder the text around them until closed, so a
# name holding one can flip the sentence it is shown in. Marks (LRM, RLM, ALM) only nudge
# neighbouring neutral characters and stay allowed.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Letters and symbols that fonts draw as nothing (Hangul fillers, the blank braille cell).
BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Categories that show nothing by themselves: controls, format characters, surrogates,
# unassigned code points, spaces and line separators, and marks that only sit on a letter.
UNSEEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Cn", "Zs", "Zl", "Zp", "Mn", "Me"})
PROSE_CONTROLS = frozenset("\t\n\r")
LINE_BREAKS = frozenset({"Zl", "Zp"})


def text_problem(value: str, *, multiline: bool = False, min_visible: int = 0) -> str | None:
    """Return why `value` cannot be stored as text of this kind, or None when it can."""
    for char in value:
        problem = _character_problem(char, multiline)
        if problem is not None:
            return problem
    if min_visible and visible_length(value) < min_visible:
        if min_visible == 1:
            return N_("Write at least 1 visible character.")
        return Phrase("Write at least {count} visible characters.", count=min_visible)
    return None


def storable(value: str) -> bool:
    """Tell whether every database takes `value`: no NUL and no lone surrogate."""
    return "\x00" not in value and not any(unicodedata.category(c) == "Cs" for c in value)


def visible_length(value: str) -> int:
    """Count the characters of `value` that show something on screen."""
    return sum(1 for char in value if is_visible(char))


def is_visible(char: str) -> bool:
    return char not in BLANK_LETTERS and unicodedata.category(char) not in UNSEEN_CATEGORIES


def check_text(value: str, field: str, *, multiline: bool = False, min_visible: int = 0) -> None:
    """Raise ValidationFailed naming `field` when `value` breaks the text rule."""
    problem = text_problem(value, multiline=multiline, min_visible=min_visible)
    if problem is not None:
        raise ValidationFailed(problem, field=field)


def _character_problem(char: str, multiline: bool) -> str | None:
    code = f"U+{ord(char):04X}"
    category = unicodedata.category(char)
    if category == "Cs":
        return Phrase("Remove the lone surrogate {code}: it is not a character.", code=code)
    if char == "\x00":
        return N_("Remove the NUL character (U+0000).")
    if category == "Cc" and not (multiline and char in PROSE_CONTROLS):
        if char in PROSE_CONTROLS:
            return Phrase("Keep it on one line: remove the line break or tab ({code}).", code=code)
        return Phrase("Remove the control character {code}.", code=code)
    if not multiline and category in LINE_BREAKS:
        return Phrase("Keep it on one line: remove the line separator ({code}).", code=code)
    if not multiline and char in BIDI_CONTROLS:
        return Phrase(
            "Remove the text-direction control {code}: it reorders the text around it.", code=code
        )
    return None
