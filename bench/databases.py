"""Databases for the benchmarks: create and drop them, a migrated app on one, an HR file.

PostgreSQL comes from BATON_BENCH_POSTGRES_URL (default: the local server); every run makes
its own database and drops it.
"""

from __future__ import annotations

import io
import os
import tempfile
import uuid
from pathlib import Path

from sqlalchemy import create_engine

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def postgres_admin_url() -> str:
    return os.environ.get("BATON_BENCH_POSTGRES_URL", DEFAULT_POSTGRES)


def new_database(engine: str) -> str:
    """Create an empty database and return its SQLAlchemy URL."""
    if engine == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="baton-bench-"))
        return f"sqlite:///{folder / 'bench.sqlite3'}"
    name = f"baton_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(postgres_admin_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return postgres_admin_url().rsplit("/", 1)[0] + f"/{name}"


def drop_database(url: str) -> None:
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    name = url.rsplit("/", 1)[1]
    admin = create_engine(postgres_admin_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def make_app(url: str):
    """A Baton app on `url`, migrated, rate limits off."""
    from flask_migrate import upgrade

    from wsgi import create_app

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "RATELIMIT_ENABLED": False,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
            "BATON_MAIL_NOTIFICATIONS": False,
        }
    )
    with app.app_context():
        upgrade()
    return app


def hr_csv(people: int, *, per_manager: int = 8, departments: int = 20) -> bytes:
    """An HR file: a CEO, then managers of `per_manager` reports each, over departments."""
    out = io.StringIO()
    out.write("email,name,department,manager_email,role\n")
    for index in range(people):
        manager = "" if index == 0 else f"p{(index - 1) // per_manager}@bench.example"
        role = (
            "admin" if index == 0 else ("manager" if index * per_manager < people else "employee")
        )
        out.write(
            f"p{index}@bench.example,Person {index:05d},Dept {index % departments},"
            f"{manager},{role}\n"
        )
    return out.getvalue().encode()
