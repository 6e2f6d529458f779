"""The SQLite baseline: a bare Flask endpoint that inserts one row per request.

WAL and synchronous=FULL like Baton's SQLite, one connection per worker, `BEGIN IMMEDIATE`
per request; no auth, no idempotency, no ledger. Served by gunicorn as `bench.bare:app`
with the file in BENCH_BARE_DB.
"""

from __future__ import annotations

import os
import sqlite3

from flask import Flask, jsonify, request

app = Flask(__name__)
_connection: sqlite3.Connection | None = None


def connection() -> sqlite3.Connection:
    global _connection
    if _connection is None:
        _connection = sqlite3.connect(os.environ["BENCH_BARE_DB"], isolation_level=None, timeout=10)
        for pragma in ("busy_timeout = 10000", "journal_mode = WAL", "synchronous = FULL"):
            _connection.execute(f"PRAGMA {pragma}")
        _connection.execute(
            "CREATE TABLE IF NOT EXISTS thanks (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"
        )
    return _connection


@app.post("/api/v1/awards")
def insert():
    db = connection()
    db.execute("BEGIN IMMEDIATE")
    row = db.execute("INSERT INTO thanks (body) VALUES (?)", (request.get_data(as_text=True),))
    db.execute("COMMIT")
    return jsonify(id=row.lastrowid), 201


@app.get("/ping")
def ping():
    return jsonify(ok=True)
