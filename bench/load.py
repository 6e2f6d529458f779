"""Load tools: gunicorn servers, wrk with a Lua script, pgbench, a paced client, worker RSS."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn (sync workers) serving `app` from the repository, in its own process group."""

    def __init__(self, app: str, env: dict[str, str], *, workers: int, probe: str) -> None:
        self.port = free_port()
        self.workers = workers
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 (open while the server runs)
            prefix="baton-bench-", suffix=".log", delete=False
        )
        full = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "BATON_SECRET_KEY": "bench",
            "BATON_AWARD_RATE_LIMIT": "100000000 per minute",
            "BATON_MAIL_NOTIFICATIONS": "0",
            **env,
        }
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--timeout",
            "120",
            "--log-level",
            "warning",
            app,
        ]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=full, start_new_session=True, stdout=self.log, stderr=self.log
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log.name}")
            with contextlib.suppress(OSError):
                if get(self.port, probe)[0] < 500:
                    return
            time.sleep(0.2)
        self.stop()
        raise TimeoutError(f"gunicorn did not answer; see {self.log.name}")

    def worker_rss_mb(self) -> float:
        """Peak resident set (VmHWM) of the largest worker, in MB."""
        children = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True
        ).stdout.split()
        peaks = []
        for pid in children:
            with contextlib.suppress(OSError):
                status = Path(f"/proc/{pid}/status").read_text()
                peaks.append(int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024)
        return max(peaks, default=0.0)

    def stop(self) -> None:
        self.log.close()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=20)


def get(port: int, path: str, headers: dict | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


LUA = """
local tokens = {%(tokens)s}
local recipients = {%(recipients)s}
local counter = 0
id = 0
local threads = {}
statuses = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
function init(args)
  math.randomseed(id * 7919 + 17)
end
function request()
  counter = counter + 1
  local giver = math.random(#tokens)
  local body = string.format('{"recipients":[%%d],"points":1,"message":"Thanks for the help!",'
                             .. '"service_kind":"need"}',
                             recipients[math.random(#recipients)])
  return wrk.format("POST", "/api/v1/awards", {
    ["Authorization"] = "Bearer " .. tokens[giver],
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = "%(run)s-" .. id .. "-" .. counter,
  }, body)
end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    local seen = thread:get("statuses")
    for status, n in pairs(seen) do io.write(string.format("STATUS %%d %%d\\n", status, n)) end
  end
  for _, p in ipairs({50, 95, 99}) do
    io.write(string.format("PCT %%d %%.3f\\n", p, latency:percentile(p) / 1000))
  end
end
"""


def wrk(port: int, path: str, *, connections: int, seconds: int, lua: str | None = None) -> dict:
    """Run wrk against the port; returns requests/s, statuses and p50/p95/p99 (ms)."""
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is missing: apt-get install -y wrk")
    command = ["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds}s"]
    script = None
    if lua:
        script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)  # noqa: SIM115
        script.write(lua)
        script.close()
        command += ["-s", script.name]
    done = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    output = done.stdout + done.stderr
    if script:
        os.unlink(script.name)
    if "PCT 99" not in output and lua and "PCT" in lua:
        raise RuntimeError(f"wrk printed no percentiles:\n{output}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    statuses = {int(a): int(b) for a, b in re.findall(r"STATUS (\d+) (\d+)", output)}
    pct = {int(a): float(b) for a, b in re.findall(r"PCT (\d+) ([\d.]+)", output)}
    return {"rate": rate, "statuses": statuses, "pct": pct}


def award_script(tokens: list[str], recipients: list[int], run: str) -> str:
    return LUA % {
        "tokens": ", ".join(json.dumps(t) for t in tokens),
        "recipients": ", ".join(map(str, recipients)),
        "run": run,
    }


def pgbench(clients: int, seconds: int) -> float:
    """pgbench -b tpcb-like at `clients` over its own scale-10 database; returns TPS."""
    from bench.data import drop_database, new_database

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


def paced(port: int, make_request, *, rate: float, seconds: float, clients: int) -> dict:
    """Send `rate` requests/s on a fixed schedule over keep-alive connections.

    Latency counts from the scheduled send time, so a stall delays every request behind it
    (no coordinated omission). Returns the percentiles (ms), achieved rate and statuses.
    """
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    start = time.perf_counter() + 0.2
    total = int(rate * seconds)

    def client(offset: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for index in range(offset, total, clients):
            due = start + index / rate
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            method, path, body, headers = make_request(index)
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            elapsed = (time.perf_counter() - due) * 1000
            with lock:
                latencies.append(elapsed)
                statuses[response.status] = statuses.get(response.status, 0) + 1
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(len(latencies) * p / 100))]

    achieved = len(latencies) / max(time.perf_counter() - start, 1e-9)
    return {"pct": {50: pct(50), 95: pct(95), 99: pct(99)}, "rate": achieved, "statuses": statuses}
