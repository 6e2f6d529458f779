"""A chunked body (no Content-Length) is held to the same size limits as any other body."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import func, select

from ledger.db import db
from ledger.models import Award, User
from tests.api.conftest import Caller, award_body, token_for
from tests.factories import make_app, make_user

SMALL = 2048  # every body but the HR import, scaled down from 2 MB
LARGE = 8192  # the HR import, scaled down from 20 MB
HEADER = b"email,name,department,manager_email,role\n"


@pytest.fixture
def small_app(sqlite_template):
    url = sqlite_template.new_database()
    application = make_app(url, BATON_MAX_REQUEST_BYTES=SMALL, MAX_CONTENT_LENGTH=LARGE)
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()
    sqlite_template.drop(url)


def chunked(caller: Caller, path: str, body: bytes, content_type: str, key: str | None = "k1"):
    """Post `body` as a server that decodes Transfer-Encoding: chunked hands it to the app."""
    headers = caller.headers(key, **{"Content-Type": content_type, "Transfer-Encoding": "chunked"})
    return caller.client.post(
        path,
        input_stream=io.BytesIO(body),
        headers=headers,
        environ_overrides={"wsgi.input_terminated": True},  # as gunicorn and werkzeug set it
    )


def count(model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def csv_of_exactly(size: int, extra_rows: int) -> bytes:
    """CSV rows filling exactly `size` bytes, then more rows a cut at `size` would lose."""
    row = b"p%05d@example.com,Person %05d,Eng,,employee\n"
    rows, number = [HEADER], 0
    while sum(map(len, rows)) + len(row % (0, 0)) <= size:
        rows.append(row % (number, number))
        number += 1
    gap = size - sum(map(len, rows))
    rows[1] = rows[1].replace(b",Person", b",Person" + b"x" * gap, 1)
    assert sum(map(len, rows)) == size
    rows += [row % (n, n) for n in range(number, number + extra_rows)]
    return b"".join(rows)


def test_a_chunked_award_over_the_limit_answers_413_and_the_key_stays_unused(small_app):
    client = small_app.test_client()
    ada, bob = make_user("ada@example.com"), make_user("bob@example.com")
    as_ada = Caller(client, ada, token_for(ada, ["award"]))
    big = award_body(bob.id, message="Thanks for the careful review. " + "x" * SMALL)
    refused = chunked(as_ada, "/api/v1/awards", json.dumps(big).encode(), "application/json")
    assert refused.status_code == 413
    assert refused.json["error"]["code"] == "too_large"
    assert count(Award) == 0
    # Nothing was stored for the key: the same key with a sensible body goes through.
    fine = chunked(as_ada, "/api/v1/awards", json.dumps(award_body(bob.id)).encode(),
                   "application/json")  # fmt: skip
    assert fine.status_code == 201, fine.json


def test_a_chunked_hr_import_over_its_limit_loses_no_row_silently(small_app):
    client = small_app.test_client()
    admin = make_user("admin@example.com", role="admin")
    as_admin = Caller(client, admin, token_for(admin, ["admin"]))
    body = csv_of_exactly(LARGE, extra_rows=5)
    refused = chunked(as_admin, "/api/v1/users/import", body, "text/csv", key=None)
    # Cut at the limit, the file would still be valid CSV, just five people short.
    assert refused.status_code == 413, refused.json
    assert refused.json["error"]["code"] == "too_large"
    assert count(User) == 1


def test_a_chunked_hr_import_between_the_two_limits_is_accepted(small_app):
    # The import keeps its larger limit; the file is over the 2 MB rule of everything else.
    client = small_app.test_client()
    admin = make_user("admin@example.com", role="admin")
    as_admin = Caller(client, admin, token_for(admin, ["admin"]))
    body = csv_of_exactly(LARGE, extra_rows=0)
    assert len(body) > SMALL
    report = chunked(as_admin, "/api/v1/users/import", body, "text/csv", key=None)
    assert report.status_code == 200, report.json
    assert count(User) == 1 + body.count(b"\n") - 1


def test_a_chunked_web_form_over_the_limit_answers_the_413_page(small_app):
    client = small_app.test_client()
    form = b"email=ann%40example.com&password=" + b"x" * SMALL
    response = client.post(
        "/login",
        input_stream=io.BytesIO(form),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Transfer-Encoding": "chunked",
        },
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 413
    assert response.mimetype == "text/html"
