"""gunicorn settings Baton needs whatever the command line says (read from the working folder).

Prometheus counters must add up across workers: each worker writes its samples to files in
PROMETHEUS_MULTIPROC_DIR, a fresh folder per master, and a scrape of any worker (or of
BATON_METRICS_PORT on the master) sums them.
"""

import os
import shutil
import tempfile
from pathlib import Path

_made_here = None
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    # An operator's folder: samples of a previous run would be counted again, so drop them.
    for stale in Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).glob("*.db"):
        stale.unlink()
else:
    _made_here = tempfile.mkdtemp(prefix="baton-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _made_here

# gunicorn answers a request line over its 4,094-byte default with an HTML 414 before Baton
# sees it. A search of 200 characters, percent-encoded, plus a cursor and filters comes close
# to that; 8,190 (gunicorn's ceiling for a bounded line) leaves room so that any request the
# API document allows, and any near miss, gets Baton's JSON answer instead.
limit_request_line = 8190


def child_exit(server, worker):
    """Fold a dead worker's live gauges away; its counters stay in the totals."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def when_ready(server):
    """Serve the summed metrics on BATON_METRICS_PORT too, for a scraper kept off the app port."""
    port = os.environ.get("BATON_METRICS_PORT")
    if not port:
        return
    from prometheus_client import CollectorRegistry, start_http_server
    from prometheus_client.multiprocess import MultiProcessCollector

    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    address = os.environ.get("BATON_METRICS_ADDRESS", "127.0.0.1")
    start_http_server(int(port), addr=address, registry=registry)
    server.log.info("Metrics on http://%s:%s/metrics", address, port)


def on_exit(server):
    """Remove the metrics folder this master made; an operator's folder stays."""
    if _made_here:
        shutil.rmtree(_made_here, ignore_errors=True)
