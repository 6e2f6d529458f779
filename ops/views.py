"""The probes a load balancer and Prometheus call: /healthz, /readyz and /metrics."""

from __future__ import annotations

import hmac
import os

from flask import Blueprint, Response, abort, current_app, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from ledger.health import readiness

bp = Blueprint("ops", __name__)

# Open without a session: they reveal nothing about people or points.
PUBLIC_ENDPOINTS = frozenset({"ops.healthz", "ops.readyz", "ops.metrics"})


@bp.get("/healthz")
def healthz():
    """Answer 200 while the process can answer at all; it touches nothing else."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    """Answer 200 when every readiness check passes, else 503 naming the failing ones."""
    checks = readiness()
    failing = {name: reason for name, reason in checks.items() if reason}
    body = {
        "status": "unavailable" if failing else "ready",
        "checks": {name: reason or "ok" for name, reason in checks.items()},
    }
    return jsonify(body), 503 if failing else 200


@bp.get("/metrics")
def metrics():
    """Serve Prometheus metrics to a holder of BATON_METRICS_TOKEN (open in development)."""
    _require_metrics_token()
    return Response(generate_latest(_registry()), mimetype=CONTENT_TYPE_LATEST)


def _require_metrics_token() -> None:
    expected = current_app.config.get("BATON_METRICS_TOKEN")
    if not expected:
        # Deny by default in production: there, metrics need a token or their own port.
        if current_app.config["BATON_ENV"] == "production":
            abort(404)
        return
    offered = request.headers.get("Authorization", "")
    if not hmac.compare_digest(offered.encode(), f"Bearer {expected}".encode()):
        abort(401)


def _registry():
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Each gunicorn worker writes its own files; the scrape adds them up.
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        return registry
    return REGISTRY
