"""The award-throughput scenario: awards/s over HTTP beside pgbench or a bare insert."""

from __future__ import annotations

import uuid

from sqlalchemy import text

from bench.baselines import bare_sqlite, pgbench
from bench.databases import drop_database, hr_csv, make_app, new_database
from bench.figures import CLIENTS, WORKERS, row
from bench.paced import paced
from bench.server import Server
from bench.wrk import award_script, wrk


def _seed_givers(app, people: int, givers: int) -> tuple[list[str], list[int], int]:
    """Import people; the first `givers` get a large allowance and a token."""
    from ledger.clock import utcnow
    from ledger.imports.importer import import_file
    from ledger.operations import Actor
    from ledger.services.allowances import top_up
    from ledger.tokens import create_token

    with app.app_context():
        actor = Actor(None, request_id="bench")
        import_file(hr_csv(people), content_type="text/csv", now=utcnow(), actor=actor)
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
    url = new_database(engine)
    rows = []
    try:
        app = make_app(url)
        tokens, recipients, _ = _seed_givers(app, 200, 64)
        server = Server(
            "wsgi:app", {"BATON_DATABASE_URL": url}, workers=WORKERS, probe="/api/v1/openapi.json"
        )
        try:
            run = uuid.uuid4().hex[:8]
            wrk(
                server.port,
                "/",
                connections=CLIENTS,
                seconds=2,
                lua=award_script(tokens, recipients, run + "w"),
            )
            uniform = wrk(
                server.port,
                "/",
                connections=CLIENTS,
                seconds=seconds,
                lua=award_script(tokens, recipients, run + "u"),
            )
            hot = wrk(
                server.port,
                "/",
                connections=CLIENTS,
                seconds=seconds,
                lua=award_script(tokens[:1], recipients, run + "h"),
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

            at_half = paced(server.port, award, rate=half, seconds=seconds, clients=CLIENTS)
            rss = server.worker_rss_mb()
        finally:
            server.stop()
        with app.app_context():
            from ledger.reconciliation import verify_ledger

            ok = verify_ledger()["ok"]
    finally:
        drop_database(url)
    if engine == "postgresql":
        base, base_name = pgbench(CLIENTS, seconds), f"pgbench tpcb-like -c {CLIENTS}"
    else:
        base, base_name = bare_sqlite(seconds), "bare 1-row insert, WAL, synchronous=FULL"
    bad = {s: n for r in (uniform, hot, at_half) for s, n in r["statuses"].items() if s != 201}
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
                at_half["pct"][p],
                "ms",
                target="p99 ≤50 ms" if p == 99 else "",
            )
        )
    rows.append(row("worker peak RSS after load", engine, rss, "MB", target="≤150 MB"))
    return rows
