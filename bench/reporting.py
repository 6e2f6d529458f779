"""The reporting scenario: HR import, a bulk load, leaderboards and a bonus run, each timed."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime

from sqlalchemy import text

from bench.bulk import bulk_awards
from bench.databases import drop_database, hr_csv, make_app, new_database
from bench.figures import row, timed

YEAR = 2025
WINDOWS = {
    "month": {"period": f"{YEAR}-12"},
    "quarter": {"period": f"{YEAR}-Q4"},
    "year": {"since": f"{YEAR}-01-01", "until": f"{YEAR}-12-31"},
}


def reporting(engine: str, people: int, lines: int, repeats: int) -> list[dict]:
    """HR import, bulk lines, leaderboards (service, HTTP, raw GROUP BY), a bonus run."""
    from ledger.clock import utcnow
    from ledger.imports.importer import import_file
    from ledger.operations import Actor

    url = new_database(engine)
    rows = []
    try:
        app = make_app(url)
        with app.app_context():
            start = time.perf_counter()
            import_file(hr_csv(people), content_type="text/csv", now=utcnow(), actor=Actor(None))
            imported = time.perf_counter() - start
        rows.append(row(f"HR import of {people:,} rows", engine, imported, "s", target="≤5 s"))
        spent = bulk_awards(
            app,
            lines,
            since=datetime(YEAR, 1, 1, tzinfo=UTC),
            until=datetime(YEAR + 1, 1, 1, tzinfo=UTC),
        )
        rows.append(
            row(
                f"bulk load of {lines:,} award lines + verify",
                engine,
                spent,
                "s",
                note="COPY/executemany, balances set from transfers, verify ok",
            )
        )
        rows += _leaderboards(app, engine, lines, people, repeats)
        try:
            rows.append(_bonus_run(app, engine, people))
        except Exception as error:  # a figure that fails is a finding, not a crash of the run
            note = f"FAILED: {type(error).__name__}: {str(error).splitlines()[0][:160]}"
            rows.append(
                row(
                    f"bonus run preview + commit, {people:,} people",
                    engine,
                    float("nan"),
                    "s",
                    target="≤2 s",
                    note=note,
                )
            )
    finally:
        drop_database(url)
    return rows


def _leaderboards(app, engine, lines, people, repeats) -> list[dict]:
    from ledger.db import db
    from ledger.queries.scopes import window_for
    from ledger.queries.standings import standings
    from ledger.tokens import create_token

    rows = []
    with app.app_context():
        from ledger.clock import utcnow
        from ledger.models import User
        from ledger.operations import Actor

        admin = db.session.get(User, 1)
        raw, _ = create_token(
            1, name="bench", scopes=["read", "manage"], now=utcnow(), actor=Actor(None)
        )
        client = app.test_client()
        for name, args in WINDOWS.items():
            window = window_for(
                now=utcnow(),
                period=args.get("period"),
                since=date.fromisoformat(args["since"]) if "since" in args else None,
                until=date.fromisoformat(args["until"]) if "until" in args else None,
            )
            query = "&".join(f"{k}={v}" for k, v in args.items())

            def service(args=args, window=window):
                standings(
                    admin,
                    now=utcnow(),
                    manage=True,
                    period=args.get("period"),
                    since=window.since if "since" in args else None,
                    until=window.until if "until" in args else None,
                    limit=51,
                )
                db.session.rollback()

            def http(query=query):
                response = client.get(
                    f"/api/v1/leaderboard?{query}&limit=50",
                    headers={"Authorization": f"Bearer {raw}"},
                )
                assert response.status_code == 200, response.json

            def raw_group_by(window=window):
                db.session.execute(
                    text(
                        "SELECT l.recipient_id, SUM(l.points), COUNT(DISTINCT l.award_id), "
                        "COUNT(DISTINCT l.giver_id) FROM award_lines l LEFT JOIN reversals r "
                        "ON r.award_id = l.award_id WHERE r.id IS NULL AND l.created_at >= :since "
                        "AND l.created_at < :until GROUP BY l.recipient_id"
                    ),
                    {
                        "since": window.since.replace(tzinfo=None),
                        "until": window.until.replace(tzinfo=None),
                    },
                ).all()
                db.session.rollback()

            base = timed(raw_group_by, repeats)
            label = f"leaderboard {name} ({lines:,} lines, {people:,} people)"
            for how, call in (("service", service), ("HTTP", http)):
                median, p95 = timed(call, repeats)
                rows.append(
                    row(
                        f"{label}, {how}, p95",
                        engine,
                        p95,
                        "ms",
                        base[1],
                        "raw GROUP BY p95",
                        "p95 ≤100 ms and ≤ GROUP BY",
                        f"median {median:.1f} ms",
                    )
                )
    return rows


def _bonus_run(app, engine, people) -> dict:
    from ledger.bonus import rules, services
    from ledger.bonus.collect import preview
    from ledger.clock import utcnow
    from ledger.db import db
    from ledger.models import BonusRun, User
    from ledger.operations import Actor

    with app.app_context():
        start = time.perf_counter()
        drafted = services.create_draft(
            scope="company",
            since=date(YEAR, 12, 1),
            until=date(YEAR, 12, 31),
            rule=rules.Rule("rate", cents_per_point=10),
            currency="EUR",
            now=utcnow(),
            actor=Actor(1),
        ).document
        run = db.session.get(BonusRun, drafted["id"])
        version = preview(run, db.session.get(User, 1)).digest
        services.commit_run(drafted["id"], version=version, now=utcnow(), actor=Actor(1))
        spent = time.perf_counter() - start
        converted = db.session.execute(text("SELECT COUNT(*) FROM conversions")).scalar()
    return row(
        f"bonus run preview + commit, {people:,} people",
        engine,
        spent,
        "s",
        target="≤2 s",
        note=f"one month: {converted:,} lines converted",
    )
