"""The admin's people forms refuse a bot, a service account or a leaver as a manager.

Each refusal test failed before issue 9 item 15: the forms post an id, so any account could
be made a manager; and a person page showed a full allowance for a service account.
"""

from __future__ import annotations

from io import BytesIO

import pytest
from sqlalchemy import select

from ledger import rules
from ledger.db import db
from ledger.models import Policy, User
from ledger.services.directory import deactivate_user
from tests.factories import ADMIN_ACTOR, NOW, make_user


@pytest.fixture
def odd(org):
    """A service account and a person who has left, beside the org."""
    service = make_user("svc@example.com", name="HR Sync", kind="service", password=None)
    gone = make_user("gone@example.com", name="Gus Gone")
    deactivate_user(gone.id, now=NOW, actor=ADMIN_ACTOR)
    return {"svc": service, "gone": gone}


def person_form(**values) -> dict:
    form = {
        "name": "Nia New",
        "email": "nia@example.com",
        "department": "Support",
        "manager_id": "0",
        "role": "employee",
        "employee_number": "",
        "password": "",
    }
    return {**form, **values}


@pytest.mark.parametrize("who", ["svc", "gone"])
def test_a_new_person_under_an_ineligible_manager_is_refused_inline(as_user, org, odd, who):
    response = as_user("admin").post("/admin/people/new", person_form(manager_id=odd[who].id))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "cannot be anyone&#39;s manager" in html and odd[who].name in html
    assert db.session.scalars(select(User).where(User.email == "nia@example.com")).first() is None


@pytest.mark.parametrize("who", ["svc", "gone"])
def test_an_edit_to_an_ineligible_manager_is_refused_inline(as_user, org, odd, who):
    ana = org["ana"]
    form = person_form(name=ana.name, email=ana.email, department="", manager_id=odd[who].id)
    response = as_user("admin").post(f"/admin/people/{ana.id}", form)
    assert response.status_code == 422
    assert "cannot be anyone&#39;s manager" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, ana.id).manager_id == org["lead"].id


def test_the_form_offers_only_active_people_but_keeps_a_manager_who_left(as_user, org, odd):
    ana = org["ana"]
    browser = as_user("admin")
    offered = browser.html("/admin/people/new")
    assert "HR Sync" not in offered and "Gus Gone" not in offered
    deactivate_user(org["lead"].id, now=NOW, actor=ADMIN_ACTOR)
    page = browser.html(f"/admin/people/{ana.id}")
    # Listed and selected, so that saving another field does not silently drop the manager.
    assert f'<option selected value="{org["lead"].id}">' in page
    assert "not an active person" in page
    form = person_form(
        name="Ana Renamed", email=ana.email, department="", manager_id=org["lead"].id
    )
    assert browser.post(f"/admin/people/{ana.id}", form).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, ana.id).manager_id == org["lead"].id


def test_the_web_import_names_the_refused_row(as_user, org, odd):
    body = (
        b"email,name,department,manager_email,role\n"
        b"zoe@example.com,Zoe Zed,Support,svc@example.com,employee\n"
    )
    form = {"file": (BytesIO(body), "people.csv", "text/csv")}
    response = as_user("admin").post(
        "/admin/people/import", form, content_type="multipart/form-data"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Nothing was written" in html
    assert "HR Sync" in html and "service account" in html


def test_a_service_accounts_page_shows_no_allowance(as_user, org, odd):
    page = as_user("admin").html(f"/people/{odd['svc'].id}")
    assert "0 of 0 points left to give" in page


def test_the_settings_form_takes_the_one_bound_on_points(as_user, org):
    browser = as_user("admin")
    form = {
        "base_allowance": "100",
        "manager_boost": "10",
        "max_points_per_recipient": str(rules.MAX_POINTS_PER_RECIPIENT + 1),
        "pair_cap": "",
        "period_length": "month",
    }
    assert browser.post("/admin/settings", form).status_code == 422
    assert db.session.scalars(select(Policy)).first() is None
    form["max_points_per_recipient"] = str(rules.MAX_POINTS_PER_RECIPIENT)
    assert browser.post("/admin/settings", form).status_code == 302
