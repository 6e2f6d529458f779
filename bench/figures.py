"""One benchmark figure as a row, and the timing helper the reporting scenarios share."""

from __future__ import annotations

import statistics
import time

WORKERS = 4  # gunicorn sync workers, for Baton and for the bare baseline alike
CLIENTS = 8  # concurrent connections of every load run


def row(scenario, engine, figure, unit, baseline=None, baseline_name="", target="", note=""):
    ratio = figure / baseline if baseline else None
    return {
        "scenario": scenario,
        "engine": engine,
        "figure": round(figure, 3),
        "unit": unit,
        "baseline": round(baseline, 3) if baseline else None,
        "baseline_name": baseline_name,
        "ratio": round(ratio, 4) if ratio else None,
        "target": target,
        "note": note,
    }


def timed(call, repeats: int) -> tuple[float, float]:
    """Median and p95 of `repeats` calls, in ms (after one warm-up call)."""
    call()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.95))]
