"""Test databases: migrate once per session into a template, copy it per test."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

POSTGRES_URL = os.environ.get("BATON_TEST_POSTGRES_URL")
REQUIRE_POSTGRES = os.environ.get("BATON_REQUIRE_POSTGRES") == "1"


def skip_or_fail(reason: str, required: bool) -> None:
    if required:
        pytest.fail(f"{reason} (required by the environment)")
    pytest.skip(reason)


def migrate(url: str) -> None:
    from flask_migrate import upgrade

    from tests.factories import make_app

    app = make_app(url)
    with app.app_context():
        upgrade()
        from ledger.db import db

        db.engine.dispose()


class SqliteTemplate:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.template = folder / "template.sqlite3"
        migrate(f"sqlite:///{self.template}")

    def new_database(self) -> str:
        path = self.folder / f"test-{uuid.uuid4().hex}.sqlite3"
        shutil.copyfile(self.template, path)
        return f"sqlite:///{path}"

    def drop(self, url: str) -> None:
        path = Path(make_url(url).database)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


class PostgresTemplate:
    def __init__(self) -> None:
        if not POSTGRES_URL:
            skip_or_fail("PostgreSQL tests need BATON_TEST_POSTGRES_URL", REQUIRE_POSTGRES)
        self.base = make_url(POSTGRES_URL)
        self.template = f"baton_tpl_{uuid.uuid4().hex[:12]}"
        try:
            self._admin(f'CREATE DATABASE "{self.template}"')
        except psycopg.OperationalError as error:
            skip_or_fail(f"PostgreSQL is unreachable: {error}", REQUIRE_POSTGRES)
        migrate(self._url(self.template))

    def _url(self, name: str) -> str:
        return self.base.set(database=name).render_as_string(hide_password=False)

    def _admin(self, statement: str) -> None:
        dsn = self.base.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(dsn, autocommit=True, connect_timeout=10) as connection:
            connection.execute(statement)

    def new_database(self) -> str:
        name = f"baton_test_{uuid.uuid4().hex[:12]}"
        self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        return self._url(name)

    def drop(self, url: str) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')

    def close(self) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
