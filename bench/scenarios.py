"""The benchmark scenarios; each returns rows of (figure, baseline measured in the same run)."""

from __future__ import annotations

import statistics
import time
import uuid
from datetime import UTC, date, datetime

from sqlalchemy import text

from bench import data, load

WORKERS = 4
CLIENTS = 8
YEAR = 2025
WINDOWS = {
    "month": {"period": f"{YEAR}-12"},
    "quarter": {"period": f"{YEAR}-Q4"},
    "year": {"since": f"{YEAR}-01-01", "until": f"{YEAR}-12-31"},
}


def row(scenario, engine, figure, unit, baseline=None, baseline_name="", target="", note=""):
    ratio = figure / baseline if baseline else None
    return {
        "scenario": scenario,
        "engine": engine,
        "figure": round(figure, 3),
        "unit": unit,
        "baseline": round(baseline, 3) if baseline else None,
        "baseline_name": baseline_name,
        "ratio": round(ratio, 4) if ratio else None,
        "target": target,
        "note": note,
    }


def _seed_givers(app, people: int, givers: int) -> tuple[list[str], list[int], int]:
    """Import people; the first `givers` get a large allowance and a token."""
    from ledger.clock import utcnow
    from ledger.imports.importer import import_file
    from ledger.operations import Actor
    from ledger.services.allowances import top_up
    from ledger.tokens import create_token

    with app.app_context():
        actor = Actor(None, request_id="bench")
        import_file(data.hr_csv(people), content_type="text/csv", now=utcnow(), actor=actor)
        from ledger.db import db

        ids = [r[0] for r in db.session.execute(text("SELECT id FROM users ORDER BY id"))]
        tokens = []
        for giver in ids[1 : givers + 1]:
            top_up(giver, points=1_000_000, reason="bench", now=utcnow(), actor=actor)
            raw, _ = create_token(
                giver, name="bench", scopes=["read", "award"], now=utcnow(), actor=actor
            )
            tokens.append(raw)
        return tokens, ids[givers + 1 :], ids[1]


def award_throughput(engine: str, seconds: int) -> list[dict]:
    """Awards/s over HTTP (uniform and hot giver), latency at half the peak, worker RSS."""
    url = data.new_database(engine)
    rows = []
    try:
        app = data.make_app(url)
        tokens, recipients, _ = _seed_givers(app, 200, 64)
        server = load.Server(
            "wsgi:app", {"BATON_DATABASE_URL": url}, workers=WORKERS, probe="/api/v1/openapi.json"
        )
        try:
            run = uuid.uuid4().hex[:8]
            load.wrk(
                server.port,
                "/",
                connections=CLIENTS,
                seconds=2,
                lua=load.award_script(tokens, recipients, run + "w"),
            )
            uniform = load.wrk(
                server.port,
                "/",
                connections=CLIENTS,
                seconds=seconds,
                lua=load.award_script(tokens, recipients, run + "u"),
            )
            hot = load.wrk(
                server.port,
                "/",
                connections=CLIENTS,
                seconds=seconds,
                lua=load.award_script(tokens[:1], recipients, run + "h"),
            )
            half = uniform["rate"] / 2
            body = b'{"recipients":[%d],"points":1,"message":"Thanks for the help!",' + (
                b'"service_kind":"need"}'
            )

            def award(index: int):
                headers = {
                    "Authorization": f"Bearer {tokens[index % len(tokens)]}",
                    "Content-Type": "application/json",
                    "Idempotency-Key": f"{run}-p-{index}",
                }
                return "POST", "/api/v1/awards", body % recipients[index % len(recipients)], headers

            paced = load.paced(server.port, award, rate=half, seconds=seconds, clients=CLIENTS)
            rss = server.worker_rss_mb()
        finally:
            server.stop()
        with app.app_context():
            from ledger.reconciliation import verify_ledger

            ok = verify_ledger()["ok"]
    finally:
        data.drop_database(url)
    if engine == "postgresql":
        base, base_name = load.pgbench(CLIENTS, seconds), f"pgbench tpcb-like -c {CLIENTS}"
    else:
        base, base_name = _bare_sqlite(seconds), "bare 1-row insert, WAL, synchronous=FULL"
    bad = {s: n for r in (uniform, hot, paced) for s, n in r["statuses"].items() if s != 201}
    note = f"{WORKERS} sync workers, wrk -c{CLIENTS}; verify ok={ok}; non-201: {bad or 0}"
    target = "≥12 % of pgbench" if engine == "postgresql" else "≥50 % of bare insert"
    rows.append(
        row(
            "award throughput (uniform)",
            engine,
            uniform["rate"],
            "awards/s",
            base,
            base_name,
            target,
            note,
        )
    )
    rows.append(
        row(
            "award p99 at full load",
            engine,
            uniform["pct"][99],
            "ms",
            target="<100 ms (SQLite, 8 clients)",
        )
    )
    rows.append(
        row(
            "award throughput (one hot giver)",
            engine,
            hot["rate"],
            "awards/s",
            uniform["rate"],
            "uniform rate",
            "≥75 %",
        )
    )
    for p in (50, 95, 99):
        rows.append(
            row(
                f"award p{p} at half peak ({half:.0f}/s)",
                engine,
                paced["pct"][p],
                "ms",
                target="p99 ≤50 ms" if p == 99 else "",
            )
        )
    rows.append(row("worker peak RSS after load", engine, rss, "MB", target="≤150 MB"))
    return rows


def _bare_sqlite(seconds: int) -> float:
    url = data.new_database("sqlite")
    path = url.removeprefix("sqlite:///")
    server = load.Server("bench.bare:app", {"BENCH_BARE_DB": path}, workers=WORKERS, probe="/ping")
    script = (
        'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
        'wrk.body = \'{"recipients":[2],"points":1,"message":"Thanks!"}\'\n'
    )
    try:
        return load.wrk(
            server.port, "/api/v1/awards", connections=CLIENTS, seconds=seconds, lua=script
        )["rate"]
    finally:
        server.stop()
        data.drop_database(url)


def _timed(call, repeats: int) -> tuple[float, float]:
    """Median and p95 of `repeats` calls, in ms (after one warm-up call)."""
    call()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.95))]


def reporting(engine: str, people: int, lines: int, repeats: int) -> list[dict]:
    """HR import, bulk lines, leaderboards (service, HTTP, raw GROUP BY), a bonus run."""
    from ledger.clock import utcnow
    from ledger.imports.importer import import_file
    from ledger.operations import Actor

    url = data.new_database(engine)
    rows = []
    try:
        app = data.make_app(url)
        with app.app_context():
            start = time.perf_counter()
            import_file(
                data.hr_csv(people), content_type="text/csv", now=utcnow(), actor=Actor(None)
            )
            imported = time.perf_counter() - start
        rows.append(row(f"HR import of {people:,} rows", engine, imported, "s", target="≤5 s"))
        spent = data.bulk_awards(
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
        data.drop_database(url)
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

            base = _timed(raw_group_by, repeats)
            label = f"leaderboard {name} ({lines:,} lines, {people:,} people)"
            for how, call in (("service", service), ("HTTP", http)):
                median, p95 = _timed(call, repeats)
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
