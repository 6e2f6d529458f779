"""Kill the server mid-burst, restart it, retry with the same keys: nothing lost or doubled."""

from __future__ import annotations

import http.client
import os
import random
import threading
import time
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select

from ledger.clock import utcnow
from ledger.db import db
from ledger.models import Award, Operation
from ledger.reconciliation import verify_ledger
from ledger.services import top_up
from ledger.tokens import create_token
from tests.delivery.helpers import count_award_events_against_awards
from tests.factories import ADMIN_ACTOR, make_app, make_user
from tests.figures import write_figure
from tests.live_server import Gunicorn, free_port, request

pytestmark = [pytest.mark.heavy, pytest.mark.timeout(900)]

KILLS = 10
THREADS = 16
AWARDS_PER_THREAD = 10  # a burst is at most 16 x 10 = 160 awards
RETRIES = 6


@dataclass
class Sent:
    giver: int
    key: str
    body: dict
    statuses: list[int] = field(default_factory=list)
    award_id: int | None = None

    @property
    def acknowledged(self) -> bool:
        return any(200 <= status < 300 for status in self.statuses)


@pytest.fixture(params=["sqlite", "postgres"])
def crash_setup(request, tmp_path):
    template = request.getfixturevalue(f"{request.param}_template")
    url = template.new_database()
    app = make_app(url)
    with app.app_context():
        givers, tokens = [], {}
        for index in range(THREADS):
            giver = make_user(f"giver{index}@example.com", name=f"Giver {index}")
            top_up(giver.id, points=100_000, reason="crash test", now=utcnow(), actor=ADMIN_ACTOR)
            raw, _ = create_token(
                giver.id, name="crash", scopes=["award", "read"], now=utcnow(), actor=ADMIN_ACTOR
            )
            givers.append(giver.id)
            tokens[giver.id] = raw
        recipients = [make_user(f"r{index}@example.com").id for index in range(4)]
        db.session.remove()
        db.engine.dispose()
    yield {
        "url": url,
        "givers": givers,
        "tokens": tokens,
        "recipients": recipients,
        "engine": request.param,
        "log": tmp_path / "gunicorn.log",
    }
    template.drop(url)


def send(port: int, token: str, sent: Sent) -> None:
    try:
        status, body = request(
            port,
            "POST",
            "/api/v1/awards",
            sent.body,
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": sent.key},
            timeout=20,
        )
    except (OSError, http.client.HTTPException):
        return  # unanswered: the server died under us
    sent.statuses.append(status)
    if 200 <= status < 300:
        sent.award_id = body["id"]


def burst(port, setup, cycle, ledger_of_sends) -> list[threading.Thread]:
    threads = []
    for index, giver in enumerate(setup["givers"]):
        batch = []
        for number in range(AWARDS_PER_THREAD):
            sent = Sent(
                giver,
                f"c{cycle}-t{index}-n{number}",
                {
                    "recipients": [setup["recipients"][number % 4]],
                    "points": 1 + number % 3,
                    "message": f"Crash-test award {cycle}/{index}/{number}",
                    "service_kind": "need",
                },
            )
            ledger_of_sends.append(sent)
            batch.append(sent)

        def work(batch=batch, token=setup["tokens"][giver]):
            for sent in batch:
                send(port, token, sent)

        threads.append(threading.Thread(target=work, daemon=True))
    for thread in threads:
        thread.start()
    return threads


def retry_unanswered(port, setup, sends) -> int:
    """Retry every unanswered request with its own key, one thread per giver."""
    pending: dict[int, list[Sent]] = {}
    for sent in sends:
        if not sent.statuses:
            pending.setdefault(sent.giver, []).append(sent)

    def work(batch):
        for sent in batch:
            for _ in range(RETRIES):
                if sent.statuses:
                    break
                send(port, setup["tokens"][sent.giver], sent)

    threads = [
        threading.Thread(target=work, args=(batch,), daemon=True) for batch in pending.values()
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
        assert not thread.is_alive(), "a retry hung"
    return sum(len(batch) for batch in pending.values())


def audit(sends: list[Sent], stored: dict[tuple[str, str], list[int]]) -> dict[str, int]:
    """Count lost acknowledgements, phantoms, duplicates and stuck keys."""
    ours = {(f"user:{sent.giver}", sent.key): sent for sent in sends}
    lost = sum(
        1
        for sent in sends
        if sent.acknowledged and stored.get((f"user:{sent.giver}", sent.key)) != [sent.award_id]
    )
    phantoms = sum(len(ids) for key, ids in stored.items() if key not in ours)
    duplicates = sum(1 for ids in stored.values() if len(ids) > 1)
    stuck = sum(
        1
        for sent in sends
        if not sent.statuses or sent.statuses[-1] >= 500 or sent.statuses[-1] == 409
    )
    return {"lost": lost, "phantoms": phantoms, "duplicates": duplicates, "stuck": stuck}


def stored_awards() -> dict[tuple[str, str], list[int]]:
    rows = db.session.execute(
        select(Operation.principal, Operation.idempotency_key, Award.id).join(
            Award, Award.operation_id == Operation.id
        )
    ).all()
    stored: dict[tuple[str, str], list[int]] = {}
    for principal, key, award_id in rows:
        stored.setdefault((principal, key), []).append(award_id)
    return stored


def test_no_acknowledged_award_is_lost_or_doubled_across_kills(crash_setup):
    seed = int(os.environ.get("BATON_CRASH_SEED", random.randrange(2**32)))
    print(f"crash seed {seed} ({crash_setup['engine']})")
    rng = random.Random(seed)
    port = free_port()
    server = Gunicorn(crash_setup["url"], port, log=crash_setup["log"])
    sends: list[Sent] = []
    retried = 0
    try:
        for cycle in range(KILLS):
            server.start()
            retried += retry_unanswered(port, crash_setup, sends)
            threads = burst(port, crash_setup, cycle, sends)
            time.sleep(rng.uniform(0.05, 0.8))
            server.kill()
            for thread in threads:
                thread.join(timeout=60)
                assert not thread.is_alive(), "a client thread hung after the kill"
        server.start()
        retried += retry_unanswered(port, crash_setup, sends)
    finally:
        server.kill()
    app = make_app(crash_setup["url"])
    with app.app_context():
        figures = audit(sends, stored_awards())
        report = verify_ledger()
        awards, told, exactly_once = count_award_events_against_awards()
        db.session.remove()
        db.engine.dispose()
    acknowledged = sum(sent.acknowledged for sent in sends)
    print(
        f"{KILLS} kills, {len(sends)} keyed requests, {retried} retried after a kill, "
        f"{acknowledged} acknowledged, {figures}"
    )
    write_figure(f"crash-{crash_setup['engine']}", violations=sum(figures.values()),
                 kills=KILLS, requests=len(sends), acknowledged=acknowledged,
                 retried=retried)  # fmt: skip
    assert figures == {"lost": 0, "phantoms": 0, "duplicates": 0, "stuck": 0}
    assert acknowledged > 0 and retried > 0  # the kills did land mid-burst
    assert report["ok"], report["problems"]
    # The outbox: every committed award told exactly once, across every kill.
    assert awards == told == exactly_once, (awards, told, exactly_once)


def test_the_audit_reports_lost_acknowledgements_phantoms_and_stuck_keys():
    # Negative control: the checker itself sees each failure it claims to count.
    acked = Sent(1, "a", {}, [201], award_id=10)
    unanswered = Sent(1, "b", {}, [])
    stored = {("user:1", "c"): [11], ("user:1", "d"): [12, 13]}
    assert audit([acked, unanswered], stored) == {
        "lost": 1,
        "phantoms": 3,
        "duplicates": 1,
        "stuck": 1,
    }
