"""Home, feed and person pages: what each shows, to whom, and their empty states."""

from __future__ import annotations

from datetime import timedelta

from tests.factories import NOW
from tests.web.conftest import Browser, give


def test_home_shows_the_allowance_the_days_left_and_earned_points(as_user, org):
    give(org["ben"], [org["ana"]], points=30)
    give(org["ana"], [org["sam"]], points=25)
    html = as_user("ana").html("/")
    assert "<strong>75</strong> points left" in html
    assert 'value="25" max="100"' in html  # the bar of what was used
    assert "15 days left" in html  # 16 to 30 November, today counted
    assert "<strong>30</strong> points not yet paid out" in html
    assert "Latest recognition" in html and "Sam Sales" in html
    assert 'href="/give"' in html


def test_home_invites_the_first_award_when_no_one_has_given(as_user, org):
    assert "No one has been recognised yet" in as_user("ana").html("/")


def test_every_page_needs_a_login(client, org):
    for path in ("/", "/feed", "/people", f"/people/{org['ana'].id}", "/leaderboard"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.location, path


def test_the_feed_shows_each_award_newest_first_with_its_details(as_user, org):
    give(org["ana"], [org["ben"]], kind="need", message="First: met my real need quickly.")
    give(
        org["lead"],
        [org["ana"], org["sam"]],
        points=7,
        message="Second: proactive help.",
        kind="proactive",
        now=NOW + timedelta(minutes=5),
    )
    html = as_user("ben").html("/feed")
    assert html.index("Second: proactive help.") < html.index("First: met my real need")
    assert "7 points each" in html
    assert '<span class="kind">Proactive</span>' in html
    assert "badge-up" in html  # the lead is above Ana: she served up
    assert "badge-lateral" in html  # Sam is outside the lead's chain
    assert "cross-department" in html
    assert 'datetime="2026-11-16T12:05:00' in html and "16 Nov 2026, 12:05" in html


def test_a_message_with_markup_is_shown_as_text(as_user, org):
    give(org["ana"], [org["ben"]], message="<img src=x onerror=alert(1)> thanks!")
    html = as_user("ben").html("/feed")
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_the_feed_filters_by_person_department_kind_and_direction(as_user, org):
    give(org["ana"], [org["ben"]], kind="need", message="Ana thanks Ben for the need.")
    give(org["sam"], [org["boss"]], kind="lead-time", message="Sam thanks Bea for lead time.")
    give(org["lead"], [org["ana"]], kind="handoff", message="Lee thanks Ana for the hand-off.")
    browser = as_user("ben")

    def shown(query):
        html = browser.html("/feed?" + query)
        return {text for text in ("Ben for", "Bea for", "Ana for") if text in html}

    assert shown(f"person={org['ana'].id}") == {"Ben for", "Ana for"}
    department = org["sam"].department_id
    assert shown(f"department={department}") == {"Bea for"}
    assert shown("kind=need") == {"Ben for"}
    assert shown("direction=up") == {"Ana for"}
    assert shown("direction=lateral") == {"Ben for", "Bea for"}
    assert "No award matches these filters" in browser.html("/feed?kind=proactive")


def test_the_feed_pages_back_through_older_awards(as_user, org):
    for minute in range(25):
        give(
            org["ana"],
            [org["ben"]],
            points=1,
            message=f"Award number {minute:02d} thanks.",
            now=NOW + timedelta(minutes=minute),
        )
    browser = as_user("ben")
    first = browser.html("/feed")
    assert "Award number 24" in first and "Award number 04" not in first
    older = first.split('href="/feed?before=')[1].split('"')[0].replace("&amp;", "&")
    second = browser.html("/feed?before=" + older)
    assert "Award number 04" in second and "Award number 24" not in second


def test_a_person_page_shows_what_they_received_gave_and_their_mix(as_user, org):
    give(org["lead"], [org["ana"]], points=20, kind="need")
    give(org["sam"], [org["ana"]], points=5, kind="need")
    give(org["ana"], [org["ben"]], points=3, kind="handoff")
    html = as_user("ben").html(f"/people/{org['ana'].id}")
    assert "<strong>25</strong> points" in html and "from 2 internal customers" in html
    assert "<strong>3</strong> points" in html
    assert 'id="mix-data"' in html and "chart.umd.min.js" in html
    # The table fallback: need, 20 up (from her manager's manager chain) and 5 across.
    assert '<td class="num">20</td><td class="num">0</td><td class="num">5</td>' in html


def test_balances_show_to_the_person_their_managers_and_admins_only(app, org):
    path = f"/people/{org['ana'].id}"

    def sees_balances(name):
        browser = Browser(app.test_client())
        browser.login(org[name].email)
        return "Balances" in browser.html(path)

    assert all(sees_balances(name) for name in ("ana", "lead", "boss", "admin"))
    assert not any(sees_balances(name) for name in ("ben", "sam"))


def test_an_unknown_person_is_a_helpful_404(as_user, org):
    browser = as_user("ana")
    for path in ("/people/99999", "/people/99999999999999"):
        response = browser.get(path)
        assert response.status_code == 404
        assert "Check the address" in response.get_data(as_text=True)


def test_the_directory_searches_by_name_email_or_department(as_user, org):
    browser = as_user("ana")
    assert "Sam Sales" in browser.html("/people?q=sales")
    assert "Ben Berg" not in browser.html("/people?q=sales")
    assert "Ben Berg" in browser.html("/people?q=ben@")
    assert "No one matches" in browser.html("/people?q=nobody-at-all")


def test_the_feed_offers_its_awards_as_csv_with_the_same_filters(as_user, org):
    give(org["ana"], [org["ben"]], kind="need", message="Ana thanks Ben for the need.")
    browser = as_user("ben")
    html = browser.html(f"/feed?kind=need&person={org['ana'].id}")
    link = html.split('<a href="/api/v1/awards?')[1].split('"')[0].replace("&amp;", "&")
    assert link == f"format=csv&service_kind=need&user={org['ana'].id}"
    response = browser.get("/api/v1/awards?" + link)
    assert response.mimetype == "text/csv" and "Ana thanks Ben" in response.get_data(as_text=True)
