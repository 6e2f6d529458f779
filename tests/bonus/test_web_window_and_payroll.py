"""Bonus-run pages (issue 15 item 5), each test failing on the code before it.

One way of stating a window (first and last day, both included); Void kept apart from
Commit; and a person without an HR employee number is flagged on the preview and in the
payroll file, never given Baton's internal id in its place.
"""

from __future__ import annotations

from ledger.services.directory import update_user
from tests.bonus.test_web import NEW_RUN, ann, confirm_form  # noqa: F401  (fixture)
from tests.factories import ADMIN_ACTOR, NOW


def create_run(org, browser) -> str:
    created = browser.post("/bonus/", {**NEW_RUN, "scope": f"team:{org.ann.id}"})
    assert created.status_code == 302, created.get_data(as_text=True)
    return created.headers["Location"].rstrip("/")


def test_the_form_and_the_run_state_the_window_the_same_way(ann):  # noqa: F811
    org, browser = ann
    form = browser.html("/bonus/")
    assert "Last day (included)" in form and "To (inclusive)" not in form
    run_path = create_run(org, browser)
    page = browser.html(run_path)
    assert "1 Nov 2026 to 30 Nov 2026 (both days included)" in page
    assert "up to 1 Dec" not in page
    assert "1 Nov 2026 to 30 Nov 2026" in browser.html("/bonus/")


def test_void_sits_apart_from_commit(ann):  # noqa: F811
    org, browser = ann
    page = browser.html(create_run(org, browser))
    actions = page[page.index('aria-label="Actions"') : page.index("</section>")]
    assert "Commit: convert" in actions and "Void this run" not in actions
    assert 'class="danger-zone"' in page and "cannot be undone" in page


def test_people_without_an_hr_number_are_flagged_on_the_preview_and_in_the_file(ann):  # noqa: F811
    org, browser = ann
    update_user(org.bob.id, {"employee_number": "E-100"}, now=NOW, actor=ADMIN_ACTOR)
    run_path = create_run(org, browser)
    page = browser.html(run_path)
    assert "1 person has no HR employee number" in page
    assert page.count("no HR employee number</span>") == 1
    browser.post(f"{run_path}/commit", confirm_form(page))
    rows = browser.get(f"{run_path}/payroll.csv").get_data(as_text=True).splitlines()
    assert rows[0].endswith(",run_id,check")
    bob = next(row for row in rows if ",Bob," in row)
    cy = next(row for row in rows if ",Cy," in row)
    assert bob.startswith("E-100,") and bob.endswith(",")  # the control: numbered, no flag
    assert cy.startswith(",") and str(org.cy.id) + "," not in cy.split(",")[0] + ","
    assert cy.endswith("NO HR EMPLOYEE NUMBER: match this person by email before paying")
