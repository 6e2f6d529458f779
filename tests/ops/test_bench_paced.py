"""The bench's paced client reports an empty run instead of failing with IndexError (it used
to index an empty latency list when no request was answered, losing the whole bench table)."""

from __future__ import annotations

import math
import socket

from bench.paced import paced


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once the probe is closed


def request(_index):
    return "GET", "/", None, {}


def test_no_answer_gives_nan_percentiles_and_counts_the_errors():
    result = paced(closed_port(), request, rate=20, seconds=0.25, clients=2)
    assert all(math.isnan(value) for value in result["pct"].values())
    assert result["statuses"] == {"error": 5} and result["rate"] == 0


def test_a_rate_of_zero_sends_nothing():
    result = paced(closed_port(), request, rate=0, seconds=1, clients=2)
    assert result["statuses"] == {} and math.isnan(result["pct"][99])
