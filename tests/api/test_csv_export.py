"""CSV cells are safe to open in a spreadsheet."""

import csv
import io

import pytest

from ledger.export import csv_text, safe_cell


@pytest.mark.parametrize(
    "text", ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\tTAB", "\rCR", '=HYPERLINK("x")']
)
def test_a_cell_starting_like_a_formula_is_quoted_as_text(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["Ada Lovelace", "a=b", "", "1-2"])
def test_ordinary_text_is_left_alone(text):
    assert safe_cell(text) == text


def test_numbers_stay_numbers_even_when_negative():
    assert safe_cell(-5) == -5
    assert safe_cell(None) == ""
    assert safe_cell(True) == "true"


def test_the_written_csv_has_no_cell_a_spreadsheet_would_evaluate():
    text = csv_text(["name", "points"], [["=cmd|' /C calc'!A0", 5], ['Bob, "Jr"', -1]])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["name", "points"]
    assert rows[1][0].startswith("'=")
    assert rows[2] == ['Bob, "Jr"', "-1"]


def test_the_check_catches_an_unescaped_writer():
    # Negative control: a naive writer leaves the formula live and the assertion above fails.
    naive = io.StringIO()
    csv.writer(naive).writerow(["=1+1"])
    assert not naive.getvalue().startswith("'")
