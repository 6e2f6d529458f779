"""Web forms and addresses obey the one text rule: a field error or a 400 page, never a 500."""

from __future__ import annotations

import html

import pytest
from flask_wtf import FlaskForm

import web.forms.admin
import web.forms.awards
import web.forms.bonus
import web.views.auth
import web.views.tokens  # noqa: F401  (every form class is defined on import)
from ledger.db import db
from ledger.models import Award, Department, ServiceKind, User
from tests.web.conftest import Browser
from web.text import TextForm

MESSAGE = "Thanks for the clean hand-over of the billing service."


def counts() -> tuple[int, ...]:
    return tuple(db.session.query(m).count() for m in (Award, User, Department, ServiceKind))


def give_form(org, message=MESSAGE, key="k" * 24):
    return {
        "recipients": [str(org["ben"].id)],
        "points": "10",
        "service_kind": "handoff",
        "message": message,
        "nonce": key,
    }


def page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize(
    ("message", "says"),
    [
        ("Thanks\x00 for the clean hand-over.", "NUL"),
        ("\u200b" * 12, "10 visible"),
        ("\u3164" * 11, "10 visible"),
    ],
)
def test_the_award_form_refuses_bad_text_inline_and_gives_nothing(as_user, org, message, says):
    browser = as_user("ana")
    before = counts()
    response = browser.post("/give", give_form(org, message))
    assert response.status_code == 422
    assert says in page(response)
    assert counts() == before


def test_a_nul_in_the_one_time_key_is_refused(as_user, org):
    browser = as_user("ana")
    response = browser.post("/give", give_form(org, key="k" * 20 + "\x00" * 4))
    assert response.status_code in (400, 422)
    assert counts()[0] == 0


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("name", "Nia\x00", "NUL"),
        ("name", "\u202eaiN", "U+202E"),
        ("name", "\u200b", "visible"),
        ("department", "Sup\nport", "one line"),
        ("email", "nia\x00@example.com", "NUL"),
        ("employee_number", "E\u2067-1", "U+2067"),
    ],
)
def test_the_person_form_refuses_bad_text_inline(as_user, org, field, value, says):
    browser = as_user("admin")
    form = {"name": "Nia", "email": "nia@example.com", "manager_id": "0", "role": "employee"}
    before = counts()
    response = browser.post("/admin/people/new", {**form, field: value})
    assert response.status_code == 422, field
    assert says in page(response)
    assert counts() == before


def test_service_kind_names_refuse_direction_overrides(as_user, org):
    browser = as_user("admin")
    before = counts()
    form = {"code": "mentor", "name": "Ment\u202eor", "description": "Taught me.\nTwice."}
    response = browser.post("/admin/service-kinds/", form)
    assert response.status_code == 422 and "U+202E" in page(response)
    assert counts() == before


@pytest.mark.parametrize("path", ["/people?q=%00", "/give?q=a%00b", "/admin/people/?q=%00"])
def test_a_search_box_shows_the_problem_beside_it(as_user, path):
    response = as_user("admin").get(path)
    assert response.status_code == 200
    assert 'id="q-error"' in page(response) and "NUL" in page(response)


@pytest.mark.parametrize(
    "path", ["/feed?kind=%00", "/leaderboard?kind=a%00", "/feed?person=1&direction=%E2%80%AE"]
)
def test_any_other_address_with_unreadable_text_answers_400(as_user, path):
    response = as_user("admin").get(path)
    assert response.status_code == 400
    assert "does not accept" in page(response)


def test_a_nul_in_the_login_email_is_a_form_error(browser, org):
    response = browser.login("ana\x00@example.com")
    assert response.status_code == 401
    assert "NUL" in page(response)


def form_classes():
    found, todo = [], list(FlaskForm.__subclasses__())
    while todo:
        form = todo.pop()
        todo.extend(form.__subclasses__())
        if form.__module__.startswith("web."):
            found.append(form)
    return found


def test_every_web_form_obeys_the_text_rule():
    forms = form_classes()
    assert len(forms) >= 15  # the walk found the forms
    assert [form.__name__ for form in forms if not issubclass(form, TextForm)] == []


@pytest.mark.postgres
def test_nul_in_forms_and_searches_is_refused_on_postgresql(postgres_app):
    from tests.factories import make_user

    make_user("root@example.com", name="Root", role="admin")
    make_user("ben@example.com", name="Ben")
    browser = Browser(postgres_app.test_client())
    browser.login("root@example.com")
    before = counts()
    form = {"name": "Nia\x00", "email": "nia@example.com", "manager_id": "0", "role": "employee"}
    assert browser.post("/admin/people/new", form).status_code == 422
    assert browser.get("/people?q=%00").status_code == 200
    assert browser.get("/feed?kind=%00").status_code == 400
    assert counts() == before
