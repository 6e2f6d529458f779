"""The insight pages: managers and admins only, their reach, empty states, charts and CSV."""

from __future__ import annotations

import csv
import io

import pytest

from tests.factories import NOW, make_user
from tests.insights.org import build_org, give_known_awards
from tests.web.conftest import Browser


@pytest.fixture
def org(app, monkeypatch):
    monkeypatch.setattr("ledger.clock.utcnow", lambda: NOW)
    people = build_org()
    give_known_awards(people)
    return people


@pytest.fixture
def as_user(app, org):
    def login(name: str) -> Browser:
        browser = Browser(app.test_client())
        assert browser.login(org[name].email).status_code == 302
        return browser

    return login


def test_managers_find_insights_in_the_navigation(as_user):
    assert 'href="/insights/"' in as_user("vic").html("/")
    assert 'href="/insights/"' not in as_user("ian").html("/")


def test_employees_are_refused_the_pages(as_user):
    browser = as_user("ian")
    for path in ("/insights/", "/insights/service-mix", "/insights/service-mix.csv"):
        assert browser.get(path).status_code == 403


def test_the_service_mix_page_shows_directions_notes_and_a_chart(as_user):
    html = as_user("vic").html("/insights/service-mix")
    assert 'data-chart="mix-people"' in html and "chart.umd.min.js" in html
    stand_out = html.split('id="stand-out"')[1].split("</section>")[0]
    assert "Ivy Ic" in stand_out and "Ian Ic" not in stand_out
    assert "Sam Sales" not in html  # Sales is beyond Vic's reach
    assert "40 %" in html  # Ian's share from other departments


def test_an_empty_window_says_so_without_a_chart(as_user):
    html = as_user("vic").html("/insights/service-mix?period=2026-06")
    assert "No one in this scope received points" in html
    assert "data-chart" not in html and "chart.umd.min.js" not in html


def test_a_scope_beyond_reach_is_a_404_page_that_names_the_problem(as_user, org):
    browser = as_user("lea")
    response = browser.get(f"/insights/service-mix?scope=team:{org['vic'].id}")
    assert response.status_code == 404
    assert "within your reach" in response.get_data(as_text=True)
    assert browser.get("/insights/service-mix?scope=nonsense").status_code == 422
    assert browser.get("/insights/service-mix.csv?scope=company").status_code == 404


def test_the_scope_picker_offers_only_what_is_within_reach(as_user, org):
    html = as_user("vic").html("/insights/service-mix")
    assert f'value="team:{org["lea"].id}"' in html
    assert f'value="department:{org["sam"].department_id}"' not in html
    admin = make_user("root@example.com", name="Ada Admin", role="admin", department="Leadership")
    org["admin"] = admin
    html = as_user("admin").html("/insights/service-mix")
    assert 'value="company" selected' in html and "Sam Sales" not in html  # Sam received nothing
    assert f'value="department:{org["sam"].department_id}"' in html


def test_the_csv_downloads_each_level_with_safe_cells(as_user, org):
    make_user(name="@SUM(A1)", manager=org["lea"].email)
    browser = as_user("vic")
    response = browser.get("/insights/service-mix.csv?group=teams")
    assert response.mimetype == "text/csv"
    teams = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(row["manager"], row["people"], row["points"]) for row in teams] == [
        ("Lea Lead", "3", "37"),
        ("Vic Vice", "1", "0"),
    ]
    people = browser.get("/insights/service-mix.csv").get_data(as_text=True)
    assert people.startswith("employee_id,user_id,name,email,department,manager,notes,points")


def test_the_unrecognized_page_lists_people_to_check_in_with(as_user, org):
    html = as_user("vic").html("/insights/unrecognized")
    nobody = html.split('id="unrecognized-heading"')[1].split("</section>")[0]
    assert "Lea Lead" in nobody and "Never" in nobody and "Ian Ic" not in nobody
    assert "Everyone in this scope gave points in this window." in html
    assert "The last 2 periods" in html
    csv_text = as_user("cleo").get("/insights/unrecognized.csv?group=silent").get_data(as_text=True)
    assert csv_text.startswith("employee_id,user_id,name,email,department,manager,joined_at,")


def test_the_reciprocity_page_and_the_bonus_preview_flag_a_ring(as_user, org):
    from ledger.bonus import rules, services
    from ledger.operations import Actor
    from tests.insights.test_api import plant_ring

    html = as_user("vic").html("/insights/reciprocity")
    assert "No ring in this scope" in html and "No pair in this scope" in html
    plant_ring(org)
    html = as_user("vic").html("/insights/reciprocity")
    rings = html.split('id="rings-heading"')[1]
    assert "Lea Lead</a> → <a" in rings and "No ring in this scope" not in html
    run = services.create_draft(
        scope=f"team:{org['vic'].id}", since=None, until=None,
        rule=rules.Rule("rate", cents_per_point=10), currency="EUR", now=NOW,
        actor=Actor(org["vic"].id),
    ).document  # fmt: skip
    preview = as_user("vic").html(f"/bonus/{run['id']}")
    assert "in a ring with Ian Ic and Ivy Ic" in preview  # beside Lea
    assert "check that the points reflect real service" in preview
    assert as_user("vic").get("/insights/reciprocity.csv").mimetype == "text/csv"


def test_the_service_map_page_draws_a_heat_map_and_marks_flows(as_user, org):
    html = as_user("cleo").html("/insights/service-map")
    assert 'class="heat-map"' in html and "from Sales" in html and "to Engineering" in html
    assert "rgba(29, 78, 216, 0.55)" in html  # the largest cell is the darkest
    assert "one-way" in html
    empty = as_user("cleo").html("/insights/service-map?period=2026-06")
    assert "No points were given in this scope" in empty
    assert as_user("cleo").get("/insights/service-map.csv").mimetype == "text/csv"
