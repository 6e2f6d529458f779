"""Chunked bodies sent to a live gunicorn: refused at the limit while streaming, not cut short."""

from __future__ import annotations

import json
import select
import socket

import pytest

from ledger.db import db
from ledger.tokens import create_token
from tests.factories import ADMIN_ACTOR, NOW, make_app, make_user
from tests.live_server import Gunicorn, free_port

pytestmark = [pytest.mark.heavy, pytest.mark.timeout(300)]

MEGABYTE = 1024 * 1024
CHUNK = 64 * 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from tests.databases import SqliteTemplate

    template = SqliteTemplate(tmp_path_factory.mktemp("chunked"))
    url = template.new_database()
    app = make_app(url)
    with app.app_context():
        admin = make_user("admin@example.com", role="admin")
        token, _ = create_token(
            admin.id, name="chunked", scopes=["admin", "award"], now=NOW, actor=ADMIN_ACTOR
        )
        db.session.remove()
        db.engine.dispose()
    gunicorn = Gunicorn(url, free_port(), workers=1, threads=2)
    gunicorn.start()
    yield gunicorn.port, token
    gunicorn.stop()
    template.drop(url)


def send_chunked(port: int, path: str, body: bytes, token: str) -> tuple[int, dict, int]:
    """Stream `body` in chunks; stop as soon as the server answers. Return status, JSON, sent."""
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Transfer-Encoding: chunked\r\nAuthorization: Bearer {token}\r\n"
        "Idempotency-Key: chunked-1\r\nConnection: close\r\n\r\n"
    )
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=60) as connection:
        connection.sendall(head.encode())
        try:
            for start in range(0, len(body), CHUNK):
                if select.select([connection], [], [], 0)[0]:
                    break  # the server has answered before reading everything
                piece = body[start : start + CHUNK]
                connection.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
                sent += len(piece)
            else:
                connection.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server closed after answering; its answer is still to be read
        answer = b""
        try:
            while data := connection.recv(65536):
                answer += data
        except ConnectionResetError:
            pass
    status_line, _, rest = answer.partition(b"\r\n")
    payload = rest.partition(b"\r\n\r\n")[2]
    return int(status_line.split()[1]), json.loads(payload), sent


def padded(document: dict, size: int) -> bytes:
    return json.dumps({**document, "pad": "x" * size}).encode()


def test_a_chunked_award_over_two_megabytes_answers_413_before_it_is_all_read(server):
    port, token = server
    status, body, sent = send_chunked(port, "/api/v1/awards", padded({}, 6 * MEGABYTE), token)
    assert (status, body["error"]["code"]) == (413, "too_large")
    assert sent < 6 * MEGABYTE  # refused while streaming, not after reading it all


def test_a_chunked_import_keeps_its_twenty_megabytes(server):
    # Over the 2 MB rule but under the import's 20 MB: read in full, then judged by the schema.
    port, token = server
    status, body, _ = send_chunked(
        port, "/api/v1/users/import", padded({"rows": []}, 3 * MEGABYTE), token
    )
    assert (status, body["error"]["code"]) == (422, "validation_error")


def test_a_chunked_import_over_twenty_megabytes_answers_413(server):
    port, token = server
    status, body, _ = send_chunked(
        port, "/api/v1/users/import", padded({"rows": []}, 21 * MEGABYTE), token
    )
    assert (status, body["error"]["code"]) == (413, "too_large")
