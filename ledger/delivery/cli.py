"""`flask ledger worker`: deliver the outbox until SIGTERM or Ctrl-C."""

from __future__ import annotations

import os
import signal
import threading

import click

from ledger.delivery import worker


@click.command("worker")
@click.option("--batch", default=10, show_default=True, help="Deliveries claimed at a time.")
@click.option("--poll", default=1.0, show_default=True, help="Seconds to wait when idle.")
@click.option("--once", is_flag=True, help="Do what is due now, then exit (for cron or tests).")
def worker_command(batch: int, poll: float, once: bool) -> None:
    """Deliver pending webhooks, mails and chat messages, with retries."""
    if once:
        total = 0
        while done := worker.work_once(batch=batch):
            total += done
        click.echo(f"Worker done: {total} events and deliveries handled.")
        return
    stop = threading.Event()

    def ask_to_stop(signum, _frame):
        # Finish the send in flight (at most one timeout), record it, hand back the rest.
        stop.set()

    signal.signal(signal.SIGTERM, ask_to_stop)
    signal.signal(signal.SIGINT, ask_to_stop)
    click.echo(f"Worker {os.getpid()} started; stop it with SIGTERM or Ctrl-C.", err=True)
    worker.run(stop, batch=batch, poll=poll)
    click.echo(f"Worker {os.getpid()} stopped.", err=True)
