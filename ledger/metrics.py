"""What the ledger counts for Prometheus: operations by outcome, replays and busy retries."""

from __future__ import annotations

from prometheus_client import Counter

# prometheus_client picks its multi-process storage from PROMETHEUS_MULTIPROC_DIR when it is
# first imported, so these counters are shared across gunicorn workers when that is set.
OPERATIONS = Counter(
    "baton_operations",
    "Ledger operations decided, by kind and outcome (ok or the refusal's code).",
    ["kind", "outcome"],
)
REPLAYS = Counter(
    "baton_idempotent_replays",
    "Requests answered from a stored result because their idempotency key was seen before.",
    ["kind"],
)
BUSY_RETRIES = Counter(
    "baton_busy_retries",
    "Write transactions retried after a deadlock, serialization failure or busy database.",
)
BUSY = Counter(
    "baton_busy",
    "Write transactions given up after every retry (the caller was answered busy).",
)


def operation_decided(kind: str, outcome: str, *, replayed: bool) -> None:
    """Count one operation's outcome; a replay counts as a replay, not as a second outcome."""
    if replayed:
        REPLAYS.labels(kind).inc()
    else:
        OPERATIONS.labels(kind, outcome).inc()
