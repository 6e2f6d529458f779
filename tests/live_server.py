"""Run Baton under gunicorn in its own process group, for crash and multi-process tests."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


class Gunicorn:
    """A gunicorn master with its workers, killable as one process group."""

    def __init__(
        self,
        database_url: str,
        port: int,
        *,
        workers: int = 2,
        threads: int = 8,
        log: Path | None = None,
    ) -> None:
        self.database_url = database_url
        self.port = port
        self.workers = workers
        self.threads = threads
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> None:
        env = dict(os.environ)
        env.update(
            {
                "BATON_DATABASE_URL": self.database_url,
                "BATON_SECRET_KEY": "live-server-secret",
                "BATON_AWARD_RATE_LIMIT": "100000 per minute",
                "PYTHONPATH": str(ROOT),
            }
        )
        self._output = open(self.log, "ab") if self.log else None  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                str(self.workers),
                "--threads",
                str(self.threads),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--graceful-timeout",
                "2",
                "--timeout",
                "60",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=self._output or subprocess.DEVNULL,
            stderr=self._output or subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self._close_log()
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            if port_open(self.port) and self._healthy():
                return
            time.sleep(0.1)
        self.kill()
        raise TimeoutError(f"gunicorn did not answer on port {self.port} in {timeout} s")

    def _healthy(self) -> bool:
        try:
            status, _ = request(self.port, "GET", "/api/v1/openapi.json", timeout=2)
            return status == 200
        except OSError:
            return False

    def kill(self, timeout: float = 30) -> None:
        """SIGKILL the whole process group and wait until the port is free."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=timeout)
        self._close_log()
        deadline = time.monotonic() + timeout
        while port_open(self.port):
            if time.monotonic() > deadline:
                raise TimeoutError(f"port {self.port} still busy after the kill")
            time.sleep(0.05)
        self.process = None

    def stop(self) -> None:
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
            self.process = None
            self._close_log()

    def _close_log(self) -> None:
        if getattr(self, "_output", None) is not None:
            self._output.close()
            self._output = None


def request(
    port: int,
    method: str,
    path: str,
    body: dict | None = None,
    headers: dict | None = None,
    timeout: float = 15,
) -> tuple[int, dict | str]:
    """Send one request; connection errors propagate as OSError."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        payload = json.dumps(body).encode() if body is not None else None
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        connection.request(method, path, body=payload, headers=all_headers)
        response = connection.getresponse()
        raw = response.read().decode()
        try:
            return response.status, json.loads(raw)
        except ValueError:
            return response.status, raw
    finally:
        connection.close()
