"""A paced client: a fixed request rate over keep-alive connections, no coordinated omission."""

from __future__ import annotations

import http.client
import threading
import time


def paced(port: int, make_request, *, rate: float, seconds: float, clients: int) -> dict:
    """Send `rate` requests/s on a fixed schedule over keep-alive connections.

    Latency counts from the scheduled send time, so a stall delays every request behind it
    (no coordinated omission). Returns the percentiles (ms; NaN when no request was
    answered), the achieved rate and the statuses ("error": no answer, the connection is
    opened again for the next request).
    """
    latencies: list[float] = []
    statuses: dict[int | str, int] = {}
    lock = threading.Lock()
    start = time.perf_counter() + 0.2
    total = int(rate * seconds) if rate > 0 else 0

    def client(offset: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for index in range(offset, total, clients):
            due = start + index / rate
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            method, path, body, headers = make_request(index)
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                with lock:
                    statuses["error"] = statuses.get("error", 0) + 1
                continue
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
        if not latencies:  # nothing answered (or a rate of 0): no percentile, not an IndexError
            return float("nan")
        return latencies[min(len(latencies) - 1, int(len(latencies) * p / 100))]

    achieved = len(latencies) / max(time.perf_counter() - start, 1e-9)
    return {"pct": {50: pct(50), 95: pct(95), 99: pct(99)}, "rate": achieved, "statuses": statuses}
