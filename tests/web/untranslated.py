"""Find the words a template shows that are not marked for translation.

A template's visible text is what its HTML shows (text between tags, and the title,
placeholder, aria-label, alt and button-value attributes) once every `{{ ... }}` and
`{% trans %}...{% endtrans %}` is taken out, plus every prose-looking string literal in a
Jinja expression that is not an argument of `_()`, `gettext()` or `ngettext()`. Text in
<script>, <style>, <code> and <kbd> is not prose, and a few names are the same in every
language (PROPER_NOUNS).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from jinja2 import Environment

SLOT = "\ue000"  # stands for an expression's value in the reconstructed HTML
GETTEXT_CALLS = frozenset({"_", "gettext", "ngettext", "pgettext", "lazy_gettext"})
PROPER_NOUNS = ("Baton", "Slack", "CSV", "JSON", "OpenAPI", "Swagger UI", "HR", "HTTP")
VISIBLE_ATTRIBUTES = frozenset({"title", "placeholder", "aria-label", "alt", "label"})
NOT_PROSE = frozenset({"script", "style", "code", "kbd"})
LETTERS = re.compile(r"[A-Za-z]")
# A literal that reads as words to a person: a capital then lower case ("Save", "No one").
PROSE_LITERAL = re.compile(r"^[A-Z][a-z]+\b|^[a-z]+ [a-z]+ [a-z]+")


def _words(text: str) -> str:
    """Return what is left to translate in `text`: its letters without the proper nouns."""
    text = text.replace(SLOT, " ")
    for noun in PROPER_NOUNS:
        text = re.sub(rf"\b{re.escape(noun)}\b", " ", text)
    return " ".join(text.split()) if LETTERS.search(text) else ""


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.hidden_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in NOT_PROSE:
            self.hidden_depth += 1
        attributes = dict(attrs)
        for name, value in attrs:
            button = tag == "input" and attributes.get("type") in {"submit", "button"}
            shown = name in VISIBLE_ATTRIBUTES or (name == "value" and button)
            if shown and value and _words(value):
                self.found.append(f'{name}="{value.replace(SLOT, "{{…}}")}"')

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in NOT_PROSE:
            self.hidden_depth -= 1

    def handle_endtag(self, tag):
        if tag in NOT_PROSE and self.hidden_depth:
            self.hidden_depth -= 1

    def handle_data(self, data):
        if not self.hidden_depth and _words(data):
            self.found.append(" ".join(data.replace(SLOT, "{{…}}").split()))


def untranslated(source: str, env: Environment) -> list[str]:
    """Return each piece of visible text in a template's `source` not marked for translation."""
    html: list[str] = []
    literals: list[str] = []
    in_trans = False
    calls: list[bool] = []  # for each open parenthesis: is it a gettext call's?
    previous = (None, None)
    for _, kind, value in env.lex(source):
        if kind == "whitespace":
            continue
        if kind == "string":
            value = value[1:-1]  # the raw token keeps its quotes
        if kind == "name" and value == "trans" and previous[0] == "block_begin":
            in_trans = True
        elif kind == "name" and value == "endtrans":
            in_trans = False
        elif kind == "data" and not in_trans:
            html.append(value)
        elif kind == "variable_begin" or (kind == "data" and in_trans):
            html.append(SLOT)
        elif kind == "operator" and value == "(":
            calls.append(previous[0] == "name" and previous[1] in GETTEXT_CALLS)
        elif kind == "operator" and value == ")" and calls:
            calls.pop()
        elif kind == "string" and not any(calls) and PROSE_LITERAL.search(value):
            literals.append(f'"{value}"')
        previous = (kind, value)
    parser = _Visible()
    parser.feed("".join(html))
    parser.close()
    return parser.found + literals
