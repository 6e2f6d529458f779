"""Bodies the JSON parser cannot turn into Python answer 400 `bad_request`, never 500."""

from __future__ import annotations

import pytest

from api.parsing import MAX_DEPTH, InvalidJson, parse_json
from ledger.db import db
from ledger.models import Award, Operation

DEEP_LIST = "[" * 10_000 + "]" * 10_000
DEEP_OBJECT = '{"a":' * 10_000 + "1" + "}" * 10_000
HUGE = "9" * 5_000


def award_json(recipient: int, *, points: str = "5", message: str = "Thanks for the review") -> str:
    return (
        f'{{"recipients": [{recipient}], "points": {points}, '
        f'"message": "{message}", "service_kind": "need"}}'
    )


@pytest.fixture
def ada(org, as_user):
    return as_user(org.ada)


def post_raw(caller, path: str, raw: str | bytes, key: str = "raw-1"):
    headers = {**caller.headers(key), "Content-Type": "application/json"}
    return caller.client.post(path, data=raw, headers=headers)


def rows_written() -> tuple[int, int]:
    return db.session.query(Award).count(), db.session.query(Operation).count()


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("lone surrogate in a string", None),
        ("integer of 5,000 digits", None),
        ("list nested 10,000 deep", DEEP_LIST),
        ("object nested 10,000 deep", DEEP_OBJECT),
        ("NaN", None),
        ("bytes that are not UTF-8", b'{"message": "\xff\xfe"}'),
    ],
)
def test_an_unreadable_award_body_answers_bad_request_and_writes_nothing(org, ada, name, raw):
    bodies = {
        "lone surrogate in a string": award_json(org.bob.id, message="Thanks \\ud800 so much"),
        "integer of 5,000 digits": award_json(org.bob.id, points=HUGE),
        "NaN": award_json(org.bob.id, points="NaN"),
    }
    before = rows_written()
    response = post_raw(ada, "/api/v1/awards", bodies.get(name, raw))
    assert response.status_code == 400, response.data
    assert response.json["error"]["code"] == "bad_request"
    assert rows_written() == before


def test_a_lone_surrogate_is_named_by_its_json_pointer(org, ada):
    response = post_raw(ada, "/api/v1/awards", award_json(org.bob.id, message="Hi \\udfff there!"))
    assert response.json["error"]["details"] == {"path": "/message"}


def test_a_paired_surrogate_escape_is_an_ordinary_character(org, ada):
    response = post_raw(
        ada, "/api/v1/awards", award_json(org.bob.id, message="Thanks \\ud83d\\ude00 a lot")
    )
    assert response.status_code == 201, response.data
    assert response.json["message"] == "Thanks \U0001f600 a lot"


@pytest.mark.parametrize("raw", [DEEP_LIST, '{"rows": [{"email": "\\ud800@x.org"}]}', HUGE])
def test_the_user_import_refuses_unreadable_json_with_bad_request(org, as_user, raw):
    admin = as_user(org.admin, ["read", "admin"])
    response = post_raw(admin, "/api/v1/users/import", raw)
    assert response.status_code == 400, response.data
    assert response.json["error"]["code"] == "bad_request"


def test_a_query_only_operation_ignores_a_body_it_does_not_read(ada):
    response = ada.client.get(
        "/api/v1/awards",
        data=DEEP_LIST,
        headers={**ada.headers(), "Content-Type": "application/json"},
    )
    assert response.status_code == 200


def test_the_parser_allows_its_documented_depth_and_no_more():
    assert parse_json("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None
    with pytest.raises(InvalidJson):
        parse_json("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))


@pytest.mark.parametrize("raw", ['{"\\ud800": 1}', '["ok", ["\\udc00"]]', "Infinity", "-Infinity"])
def test_the_parser_refuses_what_is_not_unicode_or_a_number(raw):
    with pytest.raises(InvalidJson):
        parse_json(raw)


def test_the_parser_reads_ordinary_json_unchanged():
    raw = '{"a": [1, 2.5, "\\u00e9\\u0000", null, true], "b": {"c": ""}}'
    assert parse_json(raw) == {"a": [1, 2.5, "\u00e9\x00", None, True], "b": {"c": ""}}
