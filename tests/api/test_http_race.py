"""The allowance race over HTTP: two gunicorn worker processes, 32 clients, one allowance."""

from __future__ import annotations

import threading
from collections import Counter

import pytest

from ledger.clock import utcnow
from ledger.db import db
from ledger.queries.balances import balances
from ledger.reconciliation import verify_ledger
from ledger.tokens import create_token
from tests.factories import ADMIN_ACTOR, make_app, make_user
from tests.figures import write_figure
from tests.live_server import Gunicorn, free_port, request

pytestmark = [pytest.mark.heavy, pytest.mark.timeout(600)]

CLIENTS = 32
TRIALS = 3
POINTS = 10  # the allowance of 100 pays for exactly 10 of the 32 requests


@pytest.fixture(params=["sqlite", "postgres"])
def race_setup(request):
    template = request.getfixturevalue(f"{request.param}_template")
    url = template.new_database()
    app = make_app(url)
    with app.app_context():
        trials = []
        for trial in range(TRIALS):
            giver = make_user(f"giver{trial}@example.com")
            raw, _ = create_token(
                giver.id, name="race", scopes=["award"], now=utcnow(), actor=ADMIN_ACTOR
            )
            trials.append((giver.id, raw))
        recipient = make_user("recipient@example.com").id
        db.session.remove()
        db.engine.dispose()
    yield url, trials, recipient
    template.drop(url)


def test_two_processes_never_overspend_one_allowance(race_setup):
    url, trials, recipient = race_setup
    port = free_port()
    server = Gunicorn(url, port, workers=2, threads=16)
    server.start()
    outcomes: list[Counter] = []
    try:
        for _giver, token in trials:
            barrier = threading.Barrier(CLIENTS, timeout=30)
            seen: Counter = Counter()
            lock = threading.Lock()

            def client(number, token=token, barrier=barrier, seen=seen, lock=lock):
                barrier.wait()
                status, body = request(
                    port,
                    "POST",
                    "/api/v1/awards",
                    {
                        "recipients": [recipient],
                        "points": POINTS,
                        "service_kind": "need",
                        "message": f"Race award number {number}",
                    },
                    headers={
                        "Authorization": f"Bearer {token}",
                        "Idempotency-Key": f"race-{number}",
                    },
                    timeout=60,
                )
                code = (
                    body["error"]["code"] if isinstance(body, dict) and "error" in body else status
                )
                with lock:
                    seen[code] += 1

            threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
                assert not thread.is_alive()
            outcomes.append(seen)
    finally:
        server.stop()
    print("HTTP race outcomes per trial:", [dict(seen) for seen in outcomes])
    expected = Counter({201: 10, "insufficient_allowance": 22})
    engine = "postgres" if url.startswith("postgresql") else "sqlite"
    write_figure(f"race-http-{engine}", violations=sum(seen != expected for seen in outcomes),
                 processes=2, clients=CLIENTS, trials=len(outcomes))  # fmt: skip
    for seen in outcomes:
        assert seen == expected
    app = make_app(url)
    with app.app_context():
        for giver, _ in trials:
            assert balances(giver, utcnow())["allowance_remaining"] == 0
        report = verify_ledger()
        db.session.remove()
        db.engine.dispose()
    assert report["ok"], report["problems"]
