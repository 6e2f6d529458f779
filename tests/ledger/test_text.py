"""The one text rule: what Baton stores and searches, and what counts as visible."""

from __future__ import annotations

import pytest

from ledger.errors import ValidationFailed
from ledger.text import check_text, storable, text_problem, visible_length

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"


@pytest.mark.parametrize(
    "name",
    [
        "Ada Lovelace",
        "Zoë O'Brien-Núñez",
        "محمد الأحمد",
        "李小龙",
        "Ana\u0301",
        "Jo 👩\u200d💻",
        "Ziba\u200cee",
    ],
)
def test_ordinary_names_from_many_scripts_pass(name):
    assert text_problem(name, min_visible=1) is None


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("Ada\x00", "NUL"),
        ("Ada\ud800", "surrogate"),
        ("Ada\nLovelace", "one line"),
        ("Ada\tLovelace", "one line"),
        ("Ada\u2028Lovelace", "line separator"),
        ("Ada\x07", "control character U+0007"),
        ("Ada\x9b", "control character U+009B"),
        ("\u202eecalevoL adA", "direction control U+202E"),
        ("Ada \u2066x\u2069", "direction control U+2066"),
    ],
)
def test_single_line_text_refuses_controls_breaks_and_direction_overrides(value, fragment):
    assert fragment in text_problem(value)


def test_prose_keeps_line_breaks_and_tabs_but_not_nul_or_other_controls():
    assert text_problem("Thanks!\r\n\tYou rock.", multiline=True) is None
    assert text_problem("Thanks \u202eoh\u202c!", multiline=True) is None
    assert "NUL" in text_problem("Thanks\x00", multiline=True)
    assert "U+001B" in text_problem("Thanks\x1b[31m", multiline=True)
    assert "surrogate" in text_problem("Thanks\udc80", multiline=True)


def test_invisible_characters_do_not_count_towards_a_minimum():
    assert visible_length(ZERO_WIDTH * 4) == 0
    assert visible_length(" \u00a0\u3000\u3164\u115f\u2800\u034f\u0301") == 0
    assert visible_length("Thanks\u200b!") == 7
    assert visible_length("e\u0301") == 1
    assert text_problem(ZERO_WIDTH * 3, multiline=True, min_visible=10) is not None
    assert text_problem("Thanks, you", multiline=True, min_visible=10) is None
    assert text_problem("nine char", multiline=True, min_visible=10) is not None


def test_check_text_names_the_field():
    with pytest.raises(ValidationFailed) as refused:
        check_text("a\x00b", "department")
    assert refused.value.details == {"field": "department"}
    check_text("Sales", "department")


def test_storable_means_no_nul_and_no_lone_surrogate():
    assert storable("any\nthing\u202e")
    assert not storable("a\x00")
    assert not storable("a\udfff")


def test_the_award_rule_counts_visible_characters_and_refuses_a_nul():
    from ledger.rules import AwardRequest, check_award_shape

    def check(message):
        request = AwardRequest(1, (2,), 5, message, "need")
        check_award_shape(request, max_points=50, service_kinds=["need"])

    check("Thanks for\nthe review")
    for message in ["\u200b" * 12, "Thanks\x00 for the review", "nine char" + "\u200d" * 5]:
        with pytest.raises(ValidationFailed) as refused:
            check(message)
        assert refused.value.details["field"] == "message"
