"""Text the database cannot take, or that would mislead a reader, answers 422 naming the field."""

from __future__ import annotations

import marshmallow as ma
import pytest

import api.schemas.awards
import api.schemas.bonus_runs
import api.schemas.leaderboard
import api.schemas.ledger_admin
import api.schemas.people  # noqa: F401  (every input schema registers as a StrictSchema)
from api.schemas import StrictSchema, UserRefField
from ledger.db import db
from ledger.models import Award, Department, Operation, User
from tests.api.conftest import Caller, award_body, token_for
from tests.factories import make_user

NUL = "Thanks\x00 for the careful review."
# The import checks its rows one by one so that the report names each bad row.
CHECKED_PER_ROW = {"ImportRowSchema"}


def counts() -> tuple[int, ...]:
    return tuple(db.session.query(model).count() for model in (Award, User, Department, Operation))


def field_errors(response) -> dict:
    assert response.status_code == 422, response.data
    assert response.json["error"]["code"] == "validation_error"
    fields = response.json["error"]["details"]["fields"]
    return fields.get("json") or fields.get("query")


@pytest.fixture
def admin(org, as_user):
    return as_user(org.admin, ["read", "award", "admin"])


def writes(org):
    """Each write with a NUL in one text field: (path, body, field, idempotent)."""
    user = {"email": "new@example.com", "name": "New Person"}
    return [
        ("/api/v1/awards", award_body(org.bob.id, message=NUL), "message", True),
        ("/api/v1/awards", award_body("bob\x00@example.com"), "recipients", True),
        ("/api/v1/users", {**user, "name": "New\x00"}, "name", False),
        ("/api/v1/users", {**user, "email": "n\x00w@example.com"}, "email", False),
        ("/api/v1/users", {**user, "department": "Sales\x00"}, "department", False),
        ("/api/v1/users", {**user, "employee_number": "E\x001"}, "employee_number", False),
        ("/api/v1/allowances/top-ups", {"user": org.bob.id, "points": 5, "reason": "x\x00"},
         "reason", True),
    ]  # fmt: skip


def test_a_nul_in_any_text_field_of_a_write_answers_422_naming_it(org, admin):
    for path, body, field, idempotent in writes(org):
        before = counts()
        response = admin.post(path, body, key="auto" if idempotent else None)
        assert field in field_errors(response), (path, field)
        assert counts() == before, (path, field)


def test_a_nul_in_a_patch_or_a_reversal_answers_422_naming_the_field(org, admin):
    award = admin.post("/api/v1/awards", award_body(org.bob.id)).json
    patch = admin.client.patch(
        f"/api/v1/users/{org.bob.id}", json={"name": "Bob\x00"}, headers=admin.headers()
    )
    assert "name" in field_errors(patch)
    reversal = admin.post(f"/api/v1/awards/{award['id']}/reversal", {"reason": "Oops\x00"})
    assert "reason" in field_errors(reversal)


def test_a_nul_in_the_directory_search_answers_422_naming_q(org, admin):
    assert "q" in field_errors(admin.get("/api/v1/users?q=%00"))
    assert admin.get("/api/v1/users?q=ad").status_code == 200


def test_names_refuse_direction_overrides_and_line_breaks(org, admin):
    for name in ["\u202eecila", "Ada\nLovelace", "Ada\u2067x", "\u200b\u200b"]:
        response = admin.post("/api/v1/users", {"email": "x@example.com", "name": name}, key=None)
        assert "name" in field_errors(response), name
    for department in ["Sales\u202e", "Sales\r\nHR"]:
        body = {"email": "x@example.com", "name": "X", "department": department}
        assert "department" in field_errors(admin.post("/api/v1/users", body, key=None))


def test_a_message_must_have_ten_visible_characters(org, admin):
    for message in ["\u200b" * 12, "\u3164" * 12, " " * 5 + "\u200d" * 10 + "hi"]:
        response = admin.post("/api/v1/awards", award_body(org.bob.id, message=message))
        assert "message" in field_errors(response), repr(message)
    multiline = admin.post("/api/v1/awards", award_body(org.bob.id, message="Thanks!\n\nGreat."))
    assert multiline.status_code == 201, multiline.data
    assert multiline.json["message"] == "Thanks!\n\nGreat."


def test_a_reason_must_have_a_visible_character(org, admin):
    award = admin.post("/api/v1/awards", award_body(org.bob.id)).json
    response = admin.post(f"/api/v1/awards/{award['id']}/reversal", {"reason": "\u200b\u2060"})
    assert "reason" in field_errors(response)


def test_a_forged_cursor_carrying_a_nul_is_refused(admin):
    from api.pagination import encode_cursor

    cursor = encode_cursor({"n": "a\x00", "i": 1})
    response = admin.get(f"/api/v1/users?cursor={cursor}")
    assert response.status_code == 422


def input_schemas():
    found, todo = [], list(StrictSchema.__subclasses__())
    while todo:
        schema = todo.pop()
        todo.extend(schema.__subclasses__())
        if schema.__module__.startswith("api."):  # not the test's own Careless schema
            found.append(schema)
    return found


def string_fields(schema: ma.Schema):
    for name, field in schema.fields.items():
        inner = getattr(field, "inner", None)
        if isinstance(field, ma.fields.Nested):
            continue  # nested schemas are StrictSchemas of their own
        if isinstance(inner, ma.fields.String | UserRefField):
            yield name, inner
        elif isinstance(field, ma.fields.String | UserRefField):
            yield name, field


def lax_fields(schema: ma.Schema) -> list[str]:
    """Name the text fields of `schema` that accept a NUL."""
    lax = []
    for name, field in string_fields(schema):
        try:
            field.deserialize("ab\x00c@example.com")
        except ma.ValidationError:
            continue
        lax.append(f"{type(schema).__name__}.{name}")
    return lax


def test_every_text_field_of_every_input_schema_refuses_a_nul():
    schemas = [cls() for cls in input_schemas() if cls.__name__ not in CHECKED_PER_ROW]
    assert sum(len(list(string_fields(schema))) for schema in schemas) >= 20  # the walk works
    assert [name for schema in schemas for name in lax_fields(schema)] == []


def test_the_guard_catches_a_plain_string_field():
    class Careless(StrictSchema):
        note = ma.fields.String()

    assert lax_fields(Careless()) == ["Careless.note"]


@pytest.mark.postgres
def test_nul_and_zero_width_text_answer_422_on_postgresql(postgres_app):
    client = postgres_app.test_client()
    admin_user = make_user("admin@example.com", role="admin")
    bob = make_user("bob@example.com")
    admin = Caller(client, admin_user, token_for(admin_user, ["read", "award", "admin"]))
    before = counts()
    assert "message" in field_errors(admin.post("/api/v1/awards", award_body(bob.id, message=NUL)))
    assert "q" in field_errors(admin.get("/api/v1/users?q=%00"))
    body = {"email": "n@example.com", "name": "N\x00"}
    assert "name" in field_errors(admin.post("/api/v1/users", body, key=None))
    rows = {"rows": [{"email": "z@example.com", "name": "Zed\x00", "department": "", "role": ""}]}
    response = admin.post("/api/v1/users/import", rows, key=None)
    assert response.status_code == 422, response.data
    assert counts() == before
    assert admin.post("/api/v1/awards", award_body(bob.id)).status_code == 201
