"""Measure the in-process cost of one award through the API against a trivial JSON endpoint.

Run with `make bench` (or `python -m bench.award_path [N]`); set BENCH_DATABASE_URL to a
PostgreSQL URL to measure there instead of a fresh SQLite file. Prints ms per request, the
ratio to the baseline measured in the same run, and SQL statements per award.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from flask import jsonify
from sqlalchemy import event

from api.auth import PUBLIC
from ledger.operations import Actor
from ledger.services.allowances import top_up
from ledger.tokens import create_token


def build_app(url: str):
    from flask_migrate import upgrade

    from wsgi import create_app

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "RATELIMIT_ENABLED": False,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
        }
    )

    def ping():
        return jsonify(ok=True)

    ping._baton_scope = PUBLIC  # the API guard lets it through, like the OpenAPI document
    app.add_url_rule("/api/bench/ping", "bench_ping", ping)
    with app.app_context():
        upgrade()
    return app


def seed(n: int):
    """Create a giver with room for `n` one-point awards, a recipient and a token."""
    from ledger.clock import utcnow
    from ledger.services.directory import create_user

    actor = Actor(None, request_id="bench")
    people = [
        create_user(
            f"bench{i}@example.com",
            name=f"Bench {i}",
            manager=None,
            department="Bench",
            role="employee",
            kind="person",
            password=None,
            now=utcnow(),
            actor=actor,
        ).document["id"]
        for i in (1, 2)
    ]
    top_up(people[0], points=n, reason="bench", now=utcnow(), actor=actor)
    raw, _ = create_token(
        people[0], name="bench", scopes=["read", "award"], now=utcnow(), actor=actor
    )
    return raw, people[1]


def timed(count: int, call) -> float:
    start = time.perf_counter()
    for index in range(count):
        call(index)
    return (time.perf_counter() - start) * 1000 / count


def main(n: int = 500) -> None:
    folder = tempfile.mkdtemp(prefix="baton-bench-")
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
    app = build_app(url)
    with app.app_context():
        from ledger.db import db

        token, recipient = seed(n)
        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}
        body = {
            "recipients": [recipient],
            "points": 1,
            "message": "Thanks for the help!",
            "service_kind": "need",
        }
        statements = 0

        def count(_conn, _cursor, statement, *_args):
            nonlocal statements
            statements += 1
            if os.environ.get("BENCH_SHOW_SQL") and statements <= 40:
                print(" ".join(statement.split())[:160])

        def award(index: int) -> None:
            keyed = {**headers, "Idempotency-Key": f"bench-{index}"}
            response = client.post("/api/v1/awards", json=body, headers=keyed)
            assert response.status_code == 201, response.json

        def ping(_index: int) -> None:
            assert client.get("/api/bench/ping").status_code == 200

        timed(20, ping)  # warm up imports and caches
        baseline = timed(n, ping)
        event.listen(db.engine, "before_cursor_execute", count)
        per_award = timed(n, award)
        event.remove(db.engine, "before_cursor_execute", count)
        db.engine.dispose()
    print(f"engine {url.split(':', 1)[0]}, {n} requests each")
    print(f"trivial JSON endpoint: {baseline:.3f} ms/request")
    print(f"POST /api/v1/awards:   {per_award:.3f} ms/award ({statements / n:.1f} SQL statements)")
    print(f"ratio award/baseline:  {per_award / baseline:.1f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
