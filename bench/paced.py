"""A paced client: a fixed request rate over keep-alive connections, no coordinated omission."""

from __future__ import annotations

import http.client
import threading
import time


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
