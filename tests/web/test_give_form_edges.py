"""The give form's rough edges (issue 15 item 2), each failing on the code before it.

An over-allowance refusal is about the total, so the points field stays unmarked; the search
box says what to type; the chosen people are summed up above the list with how each served.
"""

from __future__ import annotations

import re

from tests.web.conftest import NONCE


def give_form(browser, recipients, points):
    page = browser.html("/give")
    return {
        "recipients": [str(person.id) for person in recipients],
        "points": str(points),
        "service_kind": "handoff",
        "message": "Thanks for the careful hand-over of the billing work.",
        "nonce": NONCE.search(page).group(1),
    }


def test_an_over_allowance_refusal_does_not_mark_the_points_field(as_user, org):
    browser = as_user("lead")
    # 40 points each to three people costs 120 of the lead's 120: allowed; four people is not.
    form = give_form(browser, [org["boss"], org["ana"], org["ben"], org["sam"]], 40)
    refused = browser.post("/give", form)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "costs 160 points" in html
    points = re.search(r'<input[^>]*id="points"[^>]*>', html).group(0)
    assert "aria-invalid" not in points and 'id="points-error"' not in html
    assert re.search(r'class="form-error"[^>]*>\s*<p>This costs 160 points', html)


def test_a_too_large_points_value_still_marks_the_points_field(as_user, org):
    # The control: a refusal about the points each still belongs to the field.
    browser = as_user("lead")
    refused = browser.post("/give", give_form(browser, [org["ana"]], 51))
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="points-error"' in html


def test_the_search_box_says_what_to_type(as_user, org):
    html = as_user("ana").html("/give")
    box = re.search(r'<input[^>]*id="recipient-filter"[^>]*>', html).group(0)
    assert 'placeholder="Name, email or department"' in box


def test_a_refused_form_sums_up_who_is_chosen_and_how_each_served(as_user, org):
    browser = as_user("lead")
    form = give_form(browser, [org["boss"], org["ana"]], 10)
    form["message"] = "short"
    html = browser.post("/give", form).get_data(as_text=True)
    summary = re.search(r'<ul id="chosen-list".*?</ul>', html, re.S).group(0)
    assert re.search(r"Bea Boss\s*<span class=\"badge badge-down\"", summary)
    assert re.search(r"Ana Alvarez\s*<span class=\"badge badge-up\"", summary)
    assert "Ben Berg" not in summary
