"""Admin pages: one role guard, allowance rules, top-ups, service kinds, periods, people."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from ledger.db import db
from ledger.models import Policy, User
from ledger.queries.balances import balances
from tests.factories import NOW
from tests.web.conftest import NONCE

ADMIN_PAGES = [
    "/admin/",
    "/admin/people/",
    "/admin/people/new",
    "/admin/people/import",
    "/admin/settings",
    "/admin/service-kinds/",
    "/admin/service-kinds/need",
    "/admin/periods/",
]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_are_for_admins_only(as_user, org, path, app):
    assert as_user("boss").get(path).status_code == 403
    assert app.test_client().get(path).status_code == 302  # anonymous: to the login page


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_every_admin_page_opens_for_an_admin(as_user, org, path):
    assert as_user("admin").get(path).status_code == 200


def test_a_post_by_a_non_admin_changes_nothing(as_user, org):
    browser = as_user("boss")
    response = browser.post("/admin/service-kinds/", {"code": "x", "name": "X"})
    assert response.status_code == 403
    assert browser.get("/give").get_data(as_text=True).count('name="service_kind"') == 4


def test_new_allowance_rules_apply_from_the_next_period(as_user, org):
    browser = as_user("admin")
    form = {
        "base_allowance": "150",
        "manager_boost": "5",
        "max_points_per_recipient": "30",
        "pair_cap": "",
        "period_length": "month",
    }
    response = browser.post("/admin/settings", form)
    assert response.status_code == 302
    policy = db.session.scalars(select(Policy)).one()
    assert policy.effective_from == date(2026, 12, 1) and policy.base_allowance == 150
    assert balances(org["ana"].id, NOW)["allowance_total"] == 100  # this period is unchanged
    assert "apply from 2026-12-01" in browser.html("/admin/settings")


def test_a_new_period_length_waits_for_the_next_quarter(as_user, org):
    form = {
        "base_allowance": "300",
        "manager_boost": "10",
        "max_points_per_recipient": "50",
        "pair_cap": "100",
        "period_length": "quarter",
    }
    as_user("admin").post("/admin/settings", form)
    policy = db.session.scalars(select(Policy)).one()
    assert policy.effective_from == date(2027, 1, 1) and policy.pair_cap == 100


def test_bad_allowance_rules_are_refused_inline(as_user, org):
    form = {"base_allowance": "-1", "manager_boost": "x", "max_points_per_recipient": "0"}
    response = as_user("admin").post("/admin/settings", {**form, "period_length": "month"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert html.count('class="field-error"') == 3
    assert db.session.scalars(select(Policy)).first() is None


def test_a_top_up_adds_to_this_period_with_a_reason(as_user, org):
    browser = as_user("admin")
    key = NONCE.search(browser.html("/admin/settings")).group(1)
    form = {"user": str(org["ana"].id), "points": "25", "reason": "Team offsite", "nonce": key}
    assert browser.post("/admin/top-ups", form).status_code == 302
    assert browser.post("/admin/top-ups", form).status_code == 302  # a resubmit counts once
    assert balances(org["ana"].id, NOW)["allowance_total"] == 125
    assert "Added 25 points" in browser.html("/admin/settings")


def test_a_top_up_without_a_reason_or_for_an_inactive_person_is_refused(as_user, org):
    from ledger.services.directory import deactivate_user
    from tests.factories import ADMIN_ACTOR

    browser = as_user("admin")
    missing = {"user": str(org["ana"].id), "points": "5", "reason": "", "nonce": "a" * 20}
    response = browser.post("/admin/top-ups", missing)
    assert response.status_code == 422 and "Say why" in response.get_data(as_text=True)
    nobody = {**missing, "user": "0", "reason": "Offsite", "nonce": "c" * 20}
    response = browser.post("/admin/top-ups", nobody)
    assert response.status_code == 422 and "Choose who" in response.get_data(as_text=True)
    deactivate_user(org["sam"].id, now=NOW, actor=ADMIN_ACTOR)
    inactive = {"user": str(org["sam"].id), "points": "5", "reason": "Why not", "nonce": "b" * 20}
    response = browser.post("/admin/top-ups", inactive)
    assert response.status_code == 422 and "inactive" in response.get_data(as_text=True)


def test_an_added_service_kind_is_offered_and_a_retired_one_is_not(as_user, org):
    browser = as_user("admin")
    form = {"code": "customer-first", "name": "Customer first", "description": "Put us first."}
    assert browser.post("/admin/service-kinds/", form).status_code == 302
    assert "Put us first." in browser.html("/give")
    duplicate = browser.post("/admin/service-kinds/", form)
    assert duplicate.status_code == 422 and "already" in duplicate.get_data(as_text=True)
    retire = {"name": "Customer first", "description": "Put us first."}  # active unticked
    assert browser.post("/admin/service-kinds/customer-first", retire).status_code == 302
    assert "Put us first." not in browser.html("/give")
    assert "retired" in browser.html("/admin/service-kinds/")


def test_a_bad_service_kind_code_is_refused_inline(as_user, org):
    form = {"code": "Bad Code!", "name": "Bad", "description": "Nope."}
    browser = as_user("admin")
    response = browser.post("/admin/service-kinds/", form)
    assert response.status_code == 422
    assert "lower-case letters" in response.get_data(as_text=True)
    assert browser.get("/admin/service-kinds/nope").status_code == 404


def test_periods_open_and_close_early_only_when_asked(as_user, org):
    browser = as_user("admin")
    browser.post("/admin/periods/open")
    assert "Period 2026-11 is open" in browser.html("/admin/periods/")
    refused = browser.post("/admin/periods/close", {"key": "2026-11"})
    assert refused.status_code == 302
    assert "has not ended yet" in browser.html("/admin/periods/")
    browser.post("/admin/periods/close", {"key": "2026-11", "force": "y"})
    page = browser.html("/admin/periods/")
    assert "Closed 2026-11:" in page
    assert "closed 16 Nov 2026" in page


def test_an_admin_adds_edits_and_deactivates_a_person(as_user, org):
    browser = as_user("admin")
    form = {
        "name": "Nia New",
        "email": "nia@example.com",
        "department": "Support",
        "manager_id": str(org["lead"].id),
        "role": "employee",
        "employee_number": "E-77",
        "password": "",
    }
    assert browser.post("/admin/people/new", form).status_code == 302
    nia = db.session.scalars(select(User).where(User.email == "nia@example.com")).one()
    assert nia.manager_id == org["lead"].id and nia.department.name == "Support"
    edited = browser.post(
        f"/admin/people/{nia.id}", {**form, "name": "Nia Newer", "role": "manager"}
    )
    assert edited.status_code == 302
    browser.post(f"/admin/people/{nia.id}/active", {"active": "0", "confirm": "yes"})
    db.session.expire_all()
    nia = db.session.get(User, nia.id)
    assert (nia.name, nia.role, nia.active) == ("Nia Newer", "manager", False)


def test_person_form_errors_are_shown_inline(as_user, org):
    browser = as_user("admin")
    form = {"name": "", "email": "not-an-email", "manager_id": "0", "role": "employee"}
    response = browser.post("/admin/people/new", form)
    assert response.status_code == 422 and "Enter the person" in response.get_data(as_text=True)
    taken = browser.post("/admin/people/new", {**form, "name": "Dup", "email": "ana@example.com"})
    assert taken.status_code == 422 and "already in the directory" in taken.get_data(as_text=True)


def test_an_admin_cannot_deactivate_themselves(as_user, org):
    browser = as_user("admin")
    browser.post(f"/admin/people/{org['admin'].id}/active", {"active": "0", "confirm": "yes"})
    assert db.session.get(User, org["admin"].id).active


def test_the_hr_import_reports_each_row_and_a_dry_run_writes_nothing(as_user, org):
    browser = as_user("admin")
    data = (
        b"email,name,department,manager_email,role\n"
        b"zoe@example.com,Zoe Zed,Support,lead@example.com,employee\n"
        b"ana@example.com,Ana Alvarez,Engineering,lead@example.com,employee\n"
    )
    from io import BytesIO

    def upload(dry_run: bool, body: bytes = data):
        form = {"file": (BytesIO(body), "people.csv", "text/csv")}
        if dry_run:
            form["dry_run"] = "y"
        return browser.post("/admin/people/import", form, content_type="multipart/form-data")

    dry = upload(True).get_data(as_text=True)
    assert "Dry run: nothing written" in dry and "zoe@example.com" in dry
    assert db.session.scalars(select(User).where(User.email == "zoe@example.com")).first() is None
    applied = upload(False)
    assert applied.status_code == 200 and "Imported" in applied.get_data(as_text=True)
    assert db.session.scalars(select(User).where(User.email == "zoe@example.com")).first()
    bad = upload(False, b"email,name\nnot-an-email,X\n")
    assert bad.status_code == 422 and "Nothing was written" in bad.get_data(as_text=True)


def test_the_import_needs_a_file(as_user, org):
    response = as_user("admin").post("/admin/people/import", {"dry_run": "y"})
    assert response.status_code == 422
    assert "Choose a CSV or JSON file" in response.get_data(as_text=True)
