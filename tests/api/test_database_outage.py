"""A database that is down or restarting answers 503 busy, and the same key works afterwards."""

from __future__ import annotations

import contextlib
import shutil
import socket
import threading
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.engine import make_url

from ledger.db import db
from ledger.models import Award
from tests.api.conftest import Caller, award_body, token_for
from tests.factories import make_app, make_user
from tests.live_server import free_port
from tests.web.conftest import Browser


class Outage:
    """A TCP relay to PostgreSQL that can go down like a restarting server, and come back."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = free_port()
        self.sockets: list[socket.socket] = []
        self.listener: socket.socket | None = None

    def up(self) -> None:
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(16)
        self.listener.settimeout(0.1)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def down(self) -> None:
        """Refuse new connections and cut the open ones."""
        listener, self.listener = self.listener, None
        listener.close()
        for sock in self.sockets:
            _cut(sock)
        self.sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while self.listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            upstream = socket.create_connection(self.target, timeout=10)
            client.settimeout(None)
            upstream.settimeout(None)
            self.sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for sock in (source, sink):
            _cut(sock)


def _cut(sock: socket.socket) -> None:
    # shutdown() sends the FIN at once; close() alone waits for the other thread's recv().
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


def awards() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Award))


@pytest.fixture
def relayed(postgres_template):
    """An app on a fresh PostgreSQL database reached through an Outage relay."""
    url = make_url(postgres_template.new_database())
    outage = Outage(url.host, url.port or 5432)
    outage.up()
    relayed_url = url.set(host="127.0.0.1", port=outage.port).render_as_string(False)
    app = make_app(relayed_url, PROPAGATE_EXCEPTIONS=False)
    with app.app_context():
        ada, bob = make_user("ada@example.com"), make_user("bob@example.com")
        caller = Caller(app.test_client(), ada, token_for(ada, ["read", "award"]))
        yield app, outage, caller, bob.id
        db.session.remove()
        db.engine.dispose()
    if outage.listener is not None:
        outage.down()
    postgres_template.drop(url.render_as_string(False))


def test_an_award_while_postgresql_is_down_answers_503_and_the_key_works_after(relayed):
    _, outage, caller, bob_id = relayed
    assert caller.get("/api/v1/me").status_code == 200  # pooled connections now exist
    outage.down()
    refused = caller.post("/api/v1/awards", award_body(bob_id), key="outage-1")
    assert refused.status_code == 503
    assert refused.json["error"]["code"] == "busy"
    assert int(refused.headers["Retry-After"]) >= 1
    assert caller.get("/api/v1/awards").status_code == 503
    outage.up()
    created = caller.post("/api/v1/awards", award_body(bob_id), key="outage-1")
    assert created.status_code == 201, created.json
    assert "Idempotent-Replayed" not in created.headers  # nothing had been stored for the key
    assert awards() == 1


def test_a_backend_terminated_mid_award_answers_503_and_the_key_works_after(relayed):
    _, _, caller, bob_id = relayed
    killed = []

    def terminate_own_backend(connection, cursor, statement, *args):
        if not killed and statement.lstrip().upper().startswith("INSERT INTO AWARDS"):
            pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
            admin = make_url(str(db.engine.url)).set(drivername="postgresql")
            with psycopg.connect(admin.render_as_string(False), autocommit=True) as other:
                other.execute("SELECT pg_terminate_backend(%s)", (pid,))
            killed.append(pid)

    event.listen(db.engine, "before_cursor_execute", terminate_own_backend)
    try:
        refused = caller.post("/api/v1/awards", award_body(bob_id), key="outage-2")
    finally:
        event.remove(db.engine, "before_cursor_execute", terminate_own_backend)
    assert killed, "the award never reached its INSERT"
    assert (refused.status_code, refused.json["error"]["code"]) == (503, "busy")
    created = caller.post("/api/v1/awards", award_body(bob_id), key="outage-2")
    assert created.status_code == 201, created.json
    assert awards() == 1


def test_a_web_page_while_postgresql_is_down_is_a_friendly_503(relayed):
    app, outage, _, _ = relayed
    browser = Browser(app.test_client())
    assert browser.login("ada@example.com").status_code == 302
    outage.down()
    page = browser.get("/give")
    assert page.status_code == 503
    assert "Baton is briefly unavailable" in page.get_data(as_text=True)
    assert int(page.headers["Retry-After"]) >= 1
    outage.up()
    assert browser.get("/give").status_code == 200


def test_a_sqlite_file_that_cannot_be_opened_answers_503(sqlite_template, tmp_path):
    source = Path(make_url(sqlite_template.new_database()).database)
    missing = tmp_path / "not-mounted-yet" / "baton.sqlite3"
    app = make_app(f"sqlite:///{missing}", PROPAGATE_EXCEPTIONS=False)
    client = app.test_client()
    bearer = {"Authorization": "Bearer baton_" + "x" * 43}
    with app.app_context():
        refused = client.get("/api/v1/me", headers=bearer)
        assert (refused.status_code, refused.json["error"]["code"]) == (503, "busy")
        assert client.get("/login").status_code == 200  # the login page needs no database
        missing.parent.mkdir()
        shutil.copyfile(source, missing)
        assert client.get("/api/v1/me", headers=bearer).status_code == 401  # read, not found
        db.engine.dispose()
    sqlite_template.drop(f"sqlite:///{source}")


def test_a_programming_error_is_still_a_500_not_busy(app, client):
    # Negative control: "no such table" is an OperationalError to sqlite3, but it is a bug.
    ada = make_user("ada@example.com")
    caller = Caller(client, ada, token_for(ada, ["read"]))
    app.config["PROPAGATE_EXCEPTIONS"] = False
    db.session.execute(text("ALTER TABLE awards RENAME TO awards_gone"))
    db.session.commit()
    response = caller.get("/api/v1/awards")
    assert response.status_code == 500
    assert response.json["error"]["code"] == "internal_error"
