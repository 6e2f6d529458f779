"""Property: arbitrary Unicode in any text field of any write never answers 5xx, and a
refused request changes nothing (TESTING.md, the `text` row)."""

from __future__ import annotations

import itertools
import json
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from ledger.db import db
from ledger.models import Account
from tests.api.conftest import Caller, award_body, token_for
from tests.factories import make_award, make_user
from tests.figures import write_figure
from tests.web.conftest import Browser

# Audit events and stored rejections may change on a refusal (TESTING.md, authz row).
UNCHANGED_TABLES = sorted(set(db.metadata.tables) - {"operations", "audit_events"})
NASTY = [
    "\x00", "a\x00b", "\ud800", "\udfff", "x\ud83d", "\u202e", "\u2066x\u2069", "\u200b" * 12,
    "\u3164" * 11, "\n", "\r\n", "\x1b[31m", "\u2028", "\ufeff", "\U0010ffff", "", " ",
]  # fmt: skip
KEYS = itertools.count(1)
# Requests the property tests checked and saw fail, for their figure (see `tally`).
TALLY: Counter[str] = Counter()
LIMITS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@st.composite
def nasty_text(draw) -> str:
    """Text a fuzzer would send: any code point (surrogates too) with known troublemakers."""
    base = draw(st.text(st.characters(codec=None, exclude_categories=()), max_size=30))
    special = draw(st.sampled_from(NASTY))
    where = draw(st.integers(0, len(base)))
    return base[:where] + special + base[where:]


def drop_surrogates(text: str) -> str:
    return "".join(char for char in text if not 0xD800 <= ord(char) <= 0xDFFF)


def snapshot() -> tuple:
    counts = tuple(
        db.session.execute(select(func.count()).select_from(db.metadata.tables[name])).scalar()
        for name in UNCHANGED_TABLES
    )
    balances = tuple(db.session.execute(select(Account.id, Account.balance).order_by(Account.id)))
    db.session.rollback()
    return counts, balances


def raw_json(value) -> str:
    """Serialise with lone surrogates kept as escapes (json.dumps writes them as \\udXXX)."""
    return json.dumps(value, ensure_ascii=True)


SPECIAL_BODIES = [
    "[" * 10_000 + "]" * 10_000,
    '{"a":' * 10_000 + "1" + "}" * 10_000,
    '{"points": ' + "9" * 5_000 + "}",
    '{"points": NaN}',
    '"\\ud800"',
]


def api_writes(world):
    """Each write as (method, path, body, text fields that may be replaced), bodies valid."""
    user = {
        "email": "new@example.com",
        "name": "New Person",
        "department": "Ops",
        "employee_number": "E-9",
    }
    run = {
        "since": "2026-11-01",
        "until": "2026-11-30",
        "scope": "company",
        "rule": {"type": "rate", "cents_per_point": 10},
        "currency": "EUR",
    }
    row = {
        "email": "row@example.com",
        "name": "Row",
        "department": "Ops",
        "manager_email": "",
        "role": "",
    }
    return [
        ("POST", "/api/v1/awards", award_body(world["bob"].id),
         ["message", "service_kind", "recipients.0", "on_behalf_of"]),
        ("POST", f"/api/v1/awards/{world['award']}/reversal", {"reason": "A mistake."}, ["reason"]),
        ("POST", "/api/v1/users", user, ["email", "name", "department", "employee_number",
                                         "role", "kind"]),
        ("PATCH", f"/api/v1/users/{world['bob'].id}", {"name": "Bob B"},
         ["name", "email", "department", "employee_number", "role"]),
        ("POST", "/api/v1/users/import", {"rows": [row]},
         ["rows.0.email", "rows.0.name", "rows.0.department", "rows.0.manager_email",
          "rows.0.role", "rows.0.employee_number"]),
        ("POST", "/api/v1/allowances/top-ups", {"user": world["bob"].id, "points": 5,
                                                "reason": "Extra."}, ["reason", "user"]),
        ("POST", "/api/v1/bonus-runs", run, ["since", "until", "scope", "currency", "rule.type"]),
        ("GET", "/api/v1/users", None, ["q", "cursor"]),
        ("GET", "/api/v1/awards", None, ["service_kind", "since", "cursor"]),
        ("GET", "/api/v1/leaderboard", None, ["scope", "period", "service_kind"]),
    ]  # fmt: skip


def put(body: dict, path: str, value) -> dict:
    body = json.loads(json.dumps(body))
    *parents, last = path.split(".")
    node = body
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return body


@pytest.fixture(params=["sqlite", "postgres"])
def world(request):
    """An admin caller and an award to reverse, on each engine (NUL is PostgreSQL's refusal)."""
    if request.param == "postgres":
        request.node.add_marker(pytest.mark.postgres)
    app = request.getfixturevalue(f"{request.param}_app" if request.param == "postgres" else "app")
    app.config["PROPAGATE_EXCEPTIONS"] = False  # an unhandled error must show as a 500
    admin = make_user("admin@example.com", role="admin")
    bob = make_user("bob@example.com")
    award = make_award(admin, [bob])["id"]
    caller = Caller(
        app.test_client(), admin, token_for(admin, ["read", "award", "manage", "admin"])
    )
    return {"admin": caller, "bob": bob, "award": award}


def check_write(world, method: str, path: str, *, raw: str | None = None, query=None) -> None:
    """Send one request; assert it is not a 5xx and that a refusal changed nothing."""
    key = f"prop-{next(KEYS)}"
    headers = {**world["admin"].headers(key), "Content-Type": "application/json"}
    before = snapshot()
    response = world["admin"].client.open(
        path, method=method, data=raw, query_string=query, headers=headers
    )
    TALLY["failed"] += 1  # taken back below once every check held
    assert response.status_code < 500, (method, path, raw and raw[:200], query, response.data)
    if response.status_code >= 400:
        assert response.json["error"]["code"]
        assert snapshot() == before, (method, path, raw and raw[:200], query)
    TALLY.update(failed=-1, checked=1)


@pytest.fixture
def tally(request):
    """Write the property's figure: requests checked, and any that broke the rule."""
    TALLY.clear()
    yield
    # One figure per engine, like the other proofs: a run without PostgreSQL still meets
    # the SQLite floor, and the PostgreSQL figure is demanded where BATON_REQUIRE_POSTGRES is.
    callspec = getattr(request.node, "callspec", None)
    engine = callspec.params.get("world", "sqlite") if callspec else "sqlite"
    write_figure(f"no-500-{engine}", part=request.node.name, violations=TALLY["failed"],
                 examples=TALLY["checked"])  # fmt: skip


@LIMITS
@given(data=st.data())
def test_no_text_in_any_api_write_answers_5xx_and_a_refusal_changes_nothing(world, tally, data):
    method, path, body, fields = data.draw(st.sampled_from(api_writes(world)))
    field = data.draw(st.sampled_from(fields))
    if method == "GET":
        value = data.draw(nasty_text().map(drop_surrogates))  # a URL cannot carry one
        check_write(world, method, path, query={field: value})
    elif data.draw(st.booleans(), label="special body"):
        check_write(world, method, path, raw=data.draw(st.sampled_from(SPECIAL_BODIES)))
    else:
        check_write(world, method, path, raw=raw_json(put(body, field, data.draw(nasty_text()))))


@pytest.mark.parametrize("world", ["sqlite"], indirect=True)
def test_the_property_catches_a_parser_that_lets_a_deep_body_through(world, monkeypatch):
    from webargs.flaskparser import FlaskParser

    from api.parsing import StrictParser

    monkeypatch.setattr(StrictParser, "_raw_load_json", FlaskParser._raw_load_json)
    with pytest.raises(AssertionError):
        check_write(world, "POST", "/api/v1/awards", raw=SPECIAL_BODIES[0])


@pytest.mark.parametrize("world", ["postgres"], indirect=True)
def test_the_property_catches_a_nul_that_reaches_postgresql(world, monkeypatch):
    from api.schemas.text import TextRule

    monkeypatch.setattr(TextRule, "__call__", lambda self, value: value)
    monkeypatch.setattr("ledger.rules.text_problem", lambda value, **kwargs: None)
    body = raw_json(award_body(world["bob"].id, message="Thanks a lot\x00 for it"))
    with pytest.raises(AssertionError):
        check_write(world, "POST", "/api/v1/awards", raw=body)


WEB_FORMS = [
    ("/give", "give", ["message", "nonce", "service_kind"]),
    ("/admin/people/new", "person", ["name", "email", "department", "employee_number"]),
    ("/admin/service-kinds/", "kind", ["code", "name", "description"]),
    ("/admin/top-ups", "top_up", ["reason", "nonce"]),
    ("/tokens/", "token", ["name"]),
]


def web_form(kind: str, world) -> dict:
    nonce = {"nonce": "n" * 24}
    return {
        "give": {"recipients": [str(world["bob"].id)], "points": "5", "service_kind": "need",
                 "message": "Thanks for the careful review.", **nonce},
        "person": {"name": "Nia", "email": "nia@example.com", "manager_id": "0",
                   "role": "employee", "department": "Ops", "employee_number": "E-1"},
        "kind": {"code": "mentor", "name": "Mentoring", "description": "Taught me."},
        "top_up": {"user": str(world["bob"].id), "points": "5", "reason": "Extra.", **nonce},
        "token": {"name": "CI", "scopes": ["read"]},
    }[kind]  # fmt: skip


@pytest.fixture
def web_world(app):
    admin = make_user("admin@example.com", role="admin")
    bob = make_user("bob@example.com")
    browser = Browser(app.test_client())
    assert browser.login(admin.email).status_code == 302
    return {"browser": browser, "bob": bob}


@settings(LIMITS, max_examples=25)
@given(data=st.data())
def test_no_text_in_any_web_form_answers_5xx_and_a_refusal_changes_nothing(web_world, tally, data):
    path, kind, fields = data.draw(st.sampled_from(WEB_FORMS))
    # Forms arrive URL-encoded as UTF-8, so a lone surrogate cannot be sent at all.
    value = data.draw(nasty_text().map(drop_surrogates))
    form = {**web_form(kind, web_world), data.draw(st.sampled_from(fields)): value}
    before = snapshot()
    TALLY["failed"] += 1
    response = web_world["browser"].post(path, form)
    assert response.status_code < 500
    if response.status_code >= 400:
        assert snapshot() == before
    TALLY.update(failed=-1, checked=1)
