"""Back up, wipe and restore: export → import reproduces the database and verify passes."""

from __future__ import annotations

import io
import subprocess
import uuid

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from ledger.backup import ImportRefused, export_lines, import_lines
from ledger.db import db
from ledger.demo import seed_demo
from ledger.models import Transfer
from ledger.reconciliation import verify_ledger
from ledger.sealing import seal_transfers
from ledger.services.directory import update_user
from tests.factories import ADMIN_ACTOR, make_app, make_award, make_user


@pytest.fixture
def engine_name(engine_app):
    return db.engine.dialect.name


@pytest.fixture
def demo(engine_app, now):
    """The demo organisation, a reversal, a closed period and a sealed chain."""
    seed_demo(now=now, days=20)
    seal_transfers(now=now, actor=ADMIN_ACTOR)
    assert verify_ledger()["ok"]
    return "".join(export_lines())


@pytest.fixture
def fresh(request, engine_name):
    """Another database of the same engine that only the migrations have touched."""
    holder = request.getfixturevalue(
        f"{'postgres' if engine_name == 'postgresql' else 'sqlite'}_template"
    )
    urls = []

    def build(url=None):
        urls.append(url or holder.new_database())
        return make_app(urls[-1])

    yield build
    for url in urls:
        holder.drop(url)


def in_app(app, call):
    with app.app_context():
        try:
            return call()
        finally:
            db.session.remove()
            db.engine.dispose()


@pytest.mark.heavy
def test_an_import_reproduces_the_export_exactly_and_verifies(demo, fresh, now):
    target = fresh()
    counts = in_app(target, lambda: import_lines(io.StringIO(demo)))
    assert counts["transfers"] > 100 and counts["transfer_seals"] >= 1
    assert in_app(target, lambda: "".join(export_lines())) == demo
    assert in_app(target, lambda: verify_ledger()["ok"])

    def write_more():
        # Sequences continue after the imported ids (PostgreSQL's are reset by the import).
        make_award(make_user(), [make_user()], now=now)
        seal_transfers(now=now, actor=ADMIN_ACTOR)
        return verify_ledger()["ok"]

    assert in_app(target, write_more)


@pytest.fixture
def small(engine_app, now):
    """Two awards, a self-referencing manager and a sealed chain: the fast round trip."""
    ada = make_user()
    boss = make_user(role="manager")  # added after Ada: her row names a later one
    update_user(ada.id, {"manager_id": boss.id}, now=now, actor=ADMIN_ACTOR)
    make_award(ada, [boss], now=now)
    make_award(boss, [ada], now=now)
    seal_transfers(now=now, actor=ADMIN_ACTOR)
    return "".join(export_lines())


def test_a_small_ledger_round_trips_exactly(small, fresh):
    target = fresh()
    in_app(target, lambda: import_lines(io.StringIO(small)))
    assert in_app(target, lambda: "".join(export_lines())) == small
    assert in_app(target, lambda: verify_ledger()["ok"])


def test_importing_into_a_database_with_data_is_refused_and_changes_nothing(small, engine_app):
    before = db.session.scalar(select(func.count()).select_from(Transfer))
    with pytest.raises(ImportRefused, match="already holds"):
        import_lines(io.StringIO(small))
    assert db.session.scalar(select(func.count()).select_from(Transfer)) == before


@pytest.mark.heavy
@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda text: text.rsplit("\n", 2)[0] + "\n", "ends early"),
        (lambda text: text.replace('"schema":"', '"schema":"0001,', 1), "schema"),
        (lambda text: text.replace('{"r":', '{"r":{"nope":1},"x":', 1), "unknown"),
    ],
    ids=["truncated", "other-schema", "unknown-column"],
)
def test_a_damaged_export_is_refused_whole(demo, fresh, damage, message):
    target = fresh()

    def attempt():
        with pytest.raises(ImportRefused, match=message):
            import_lines(io.StringIO(damage(demo)))
        return db.session.scalar(select(func.count()).select_from(Transfer))

    assert in_app(target, attempt) == 0


@pytest.mark.heavy
def test_the_cli_exports_to_a_file_and_imports_it(demo, engine_app, fresh, tmp_path):
    path = tmp_path / "baton.jsonl"
    result = CliRunner().invoke(engine_app.cli, ["ledger", "export", str(path)])
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8") == demo
    target = fresh()

    def cli_import():
        return target.test_cli_runner().invoke(args=["ledger", "import", str(path)])

    result = in_app(target, cli_import)
    assert result.exit_code == 0, result.output
    again = in_app(target, cli_import)
    assert again.exit_code == 1 and "already holds" in again.output


@pytest.mark.heavy
def test_a_restore_from_each_engines_own_backup_verifies(
    request, demo, engine_app, engine_name, fresh, tmp_path
):
    if engine_name == "sqlite":
        copy = tmp_path / "backup.sqlite3"
        result = CliRunner().invoke(engine_app.cli, ["ledger", "backup", str(copy)])
        assert result.exit_code == 0, result.output
        restored = fresh(f"sqlite:///{copy}")
    else:
        # As docs/operations.md says: pg_dump, then pg_restore into an empty database.
        holder = request.getfixturevalue("postgres_template")
        dump = tmp_path / "baton.dump"
        subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", plain(db.engine.url)],
                       check=True)  # fmt: skip
        name = f"baton_restore_{uuid.uuid4().hex[:12]}"
        holder._admin(f'CREATE DATABASE "{name}"')
        restored = fresh(holder._url(name))
        subprocess.run(["pg_restore", "--no-owner", f"--dbname={plain(holder._url(name))}",
                        str(dump)], check=True)  # fmt: skip
    assert in_app(restored, lambda: "".join(export_lines())) == demo
    assert in_app(restored, lambda: verify_ledger()["ok"])


def plain(url) -> str:
    """The libpq form of a SQLAlchemy URL, for pg_dump and pg_restore."""
    return (
        make_url(str(url) if not isinstance(url, str) else url)
        .set(drivername="postgresql")
        .render_as_string(hide_password=False)
    )
