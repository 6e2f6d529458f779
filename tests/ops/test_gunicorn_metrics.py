"""Under gunicorn, metrics add up across worker processes, on the app port and on their own."""

from __future__ import annotations

import http.client
import socket
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.live_server import Gunicorn, free_port, request

pytestmark = [pytest.mark.heavy, pytest.mark.timeout(300)]

REQUESTS = 60


def scrape(port: int) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", "/metrics")
        response = connection.getresponse()
        assert response.status == 200
        return response.read().decode()
    finally:
        connection.close()


def healthz_count(text: str) -> float:
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "baton_http_request_duration_seconds_count"
        and sample.labels["endpoint"] == "ops.healthz"
    )


def worker_files(folder) -> set[str]:
    return {path.name for path in folder.glob("histogram_*.db")}


def test_metrics_sum_every_workers_requests(sqlite_template, tmp_path, monkeypatch):
    url = sqlite_template.new_database()
    folder = tmp_path / "metrics"
    folder.mkdir()
    (folder / "histogram_999999.db").write_bytes(b"stale")  # a previous run's leftovers
    metrics_port = free_port()
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(folder))
    monkeypatch.setenv("BATON_METRICS_PORT", str(metrics_port))
    server = Gunicorn(
        url, free_port(), workers=2, threads=1
    )  # sync workers: a busy one leaves the next request to the other
    server.start()
    try:
        # A sync worker that accepted a silent connection waits on it, so the other worker
        # must serve the rest; the last request then goes to the waiting one.
        held = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        time.sleep(0.5)
        with ThreadPoolExecutor(8) as pool:
            statuses = list(
                pool.map(lambda _: request(server.port, "GET", "/healthz")[0], range(REQUESTS - 1))
            )
        held.sendall(b"GET /healthz HTTP/1.0\r\n\r\n")
        statuses.append(int(held.makefile("rb").readline().split()[1]))
        held.close()
        assert statuses == [200] * REQUESTS
        # Both workers answered (each keeps its own file), and every scrape sees the sum.
        assert len(worker_files(folder)) == 2
        assert healthz_count(scrape(server.port)) == REQUESTS
        assert healthz_count(scrape(server.port)) == REQUESTS
        assert healthz_count(scrape(metrics_port)) == REQUESTS
    finally:
        server.stop()
        sqlite_template.drop(url)
