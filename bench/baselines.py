"""Baselines measured in the same run as Baton: pgbench, and a bare SQLite insert endpoint."""

from __future__ import annotations

import re
import subprocess

from bench.databases import drop_database, new_database
from bench.figures import CLIENTS, WORKERS
from bench.server import Server
from bench.wrk import wrk


def pgbench(clients: int, seconds: int) -> float:
    """pgbench -b tpcb-like at `clients` over its own scale-10 database; returns TPS."""
    url = new_database("postgresql")
    target = url.replace("postgresql+psycopg://", "postgresql://")
    try:
        subprocess.run(
            ["pgbench", "-i", "-q", "-s", "10", target],
            check=True,
            capture_output=True,
            timeout=300,
        )
        output = subprocess.run(
            [
                "pgbench",
                "-b",
                "tpcb-like",
                "-c",
                str(clients),
                "-j",
                "1",
                "-T",
                str(seconds),
                target,
            ],
            check=True,
            capture_output=True,
            text=True,
            timeout=seconds + 120,
        ).stdout
        return float(re.search(r"tps = ([\d.]+)", output).group(1))
    finally:
        drop_database(url)


def bare_sqlite(seconds: int) -> float:
    """Requests/s of bench/bare.py (one row per request, WAL, synchronous=FULL) under wrk."""
    url = new_database("sqlite")
    path = url.removeprefix("sqlite:///")
    server = Server("bench.bare:app", {"BENCH_BARE_DB": path}, workers=WORKERS, probe="/ping")
    script = (
        'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
        'wrk.body = \'{"recipients":[2],"points":1,"message":"Thanks!"}\'\n'
    )
    try:
        return wrk(server.port, "/api/v1/awards", connections=CLIENTS, seconds=seconds, lua=script)[
            "rate"
        ]
    finally:
        server.stop()
        drop_database(url)
