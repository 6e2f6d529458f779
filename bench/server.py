"""gunicorn servers for the load runs: start on a free port, probe, worker RSS, stop."""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
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
