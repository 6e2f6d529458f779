"""Every template's visible text is marked for translation, but for the listed ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import Environment

from tests.web.untranslated import untranslated

TEMPLATES = Path(__file__).resolve().parents[2] / "web" / "templates"
# Templates not converted yet. This list may only shrink: take a template off when it is
# converted (the test below fails while a converted one is still listed), never add one.
NOT_YET_CONVERTED = frozenset(
    {
        "swagger_ui.html",
    }
)
ENV = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)  # only lexes, never renders
# The list's size when it was made; lower it with each batch converted, never raise it.
CEILING = 1


def all_templates() -> list[str]:
    return sorted(str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*.html"))


@pytest.mark.parametrize("name", all_templates())
def test_a_converted_template_shows_no_unmarked_text(name):
    found = untranslated((TEMPLATES / name).read_text(encoding="utf-8"), ENV)
    if name in NOT_YET_CONVERTED:
        assert found, f"{name} is converted: take it off NOT_YET_CONVERTED"
    else:
        assert found == [], f"{name} shows text not marked for translation: {found}"


def test_the_list_of_templates_not_yet_converted_only_shrinks():
    assert len(NOT_YET_CONVERTED) <= CEILING
    assert set(all_templates()) >= NOT_YET_CONVERTED, "a listed template no longer exists"


def test_the_checker_flags_unmarked_text_in_a_converted_template():
    # Negative control: the checker passes base.html, and fails it once one string is bare.
    base = (TEMPLATES / "base.html").read_text(encoding="utf-8")
    assert untranslated(base, ENV) == []
    broken = base.replace('{{ _("Log out") }}', "Log out", 1)
    assert broken != base
    assert untranslated(broken, ENV) == ["Log out"]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<p>Hello</p>", ["Hello"]),
        ("<p>{{ _('Hello') }}</p>", []),
        ("<p>{% trans %}Hello {{ name }}{% endtrans %}</p>", []),
        ("<p>Hello {{ name }}</p>", ["Hello {{…}}"]),
        ('<input placeholder="Search people">', ['placeholder="Search people"']),
        ("<input placeholder=\"{{ _('Search people') }}\">", []),
        ('<input type="submit" value="Send">', ['value="Send"']),
        ('<nav aria-label="Main"></nav>', ['aria-label="Main"']),
        ("{{ field(form.name, 'Your name') }}", ['"Your name"']),
        ("{{ field(form.name, _('Your name')) }}", []),
        ("{{ url_for('pages.home') }} {% if role == 'admin' %}{% endif %}", []),
        ("<script>const label = 'Hello';</script><code>/baton help</code>", []),
        ("<p>Baton · {{ count }} · CSV</p>", []),
        ("{# Only a comment #}", []),
    ],
)
def test_the_checker_tells_marked_from_unmarked_text(source, expected):
    assert untranslated(source, ENV) == expected
