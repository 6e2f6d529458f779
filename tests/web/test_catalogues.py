"""The translation catalogues: complete, compiled, and with the placeholders of English."""

from __future__ import annotations

import re
from gettext import GNUTranslations
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = ROOT / "web" / "translations"
LANGUAGES = ["zh_Hans"]  # every language but English, the language of the message ids
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|\{[a-z_]*\}")


def catalogue(language: str):
    with (CATALOGUES / language / "LC_MESSAGES" / "messages.po").open("rb") as file:
        return read_po(file)


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> set[str]:
    """Extract every marked string from the code now, as `make translations` does."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    keywords = ["-k", "_l", "-k", "lazy_gettext", "-k", "Phrase"]
    mapping = str(ROOT / "babel.cfg")
    CommandLineInterface().run(
        ["pybabel", "-q", "extract", "-F", mapping, *keywords, "-o", str(pot), str(ROOT)]
    )
    with pot.open("rb") as file:
        return {message.id for message in read_po(file) if message.id}


def test_extraction_finds_the_strings_of_templates_python_and_phrases(extracted):
    # Without this, an extraction that found nothing would leave nothing untranslated.
    assert "Give points" in extracted  # a template's _()
    assert "You cannot award points to yourself." in extracted  # ledger's N_()
    assert "This operation needs the '{scope}' scope." in extracted  # a Phrase
    assert "Your language is saved." in extracted  # a view's gettext


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_marked_string_is_translated(extracted, language):
    translated = {m.id: m for m in catalogue(language) if m.id}
    missing = sorted(str(i) for i in extracted if i not in translated or not translated[i].string)
    fuzzy = sorted(str(i) for i in extracted if i in translated and translated[i].fuzzy)
    assert missing == [] and fuzzy == [], "run `make translations`, then translate these"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_translation_keeps_the_placeholders_of_its_english(language):
    wrong = [
        (message.id, message.string)
        for message in catalogue(language)
        if message.id and isinstance(message.id, str) and message.string
        if placeholders(message.id) != placeholders(message.string)
    ]
    assert wrong == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_committed_mo_file_is_compiled_from_the_po_file(language):
    compiled = BytesIO()
    write_mo(compiled, catalogue(language))
    compiled.seek(0)
    committed = CATALOGUES / language / "LC_MESSAGES" / "messages.mo"
    with committed.open("rb") as file:
        assert GNUTranslations(file)._catalog == GNUTranslations(compiled)._catalog, (
            "the .mo is stale: run `make translations`"
        )


def test_the_placeholder_check_notices_a_lost_placeholder():
    # Negative control: a translation that drops {limit} would show "请求过多" without it.
    assert placeholders("Too many requests ({limit}); wait.") != placeholders("请求过多；请稍候。")
