"""`flask ledger worker`: deliver the outbox until SIGTERM or Ctrl-C."""

from __future__ import annotations

import os
import signal
import threading

import click

from ledger.clock import utcnow
from ledger.delivery import worker
from ledger.delivery.schedule import Schedule


@click.command("worker")
@click.option("--batch", default=10, show_default=True, help="Deliveries claimed at a time.")
@click.option("--poll", default=1.0, show_default=True, help="Seconds to wait when idle.")
@click.option("--once", is_flag=True, help="Do what is due now, then exit (for cron or tests).")
def worker_command(batch: int, poll: float, once: bool) -> None:
    """Deliver pending webhooks, mails and chat messages, with retries."""
    if once:
        Schedule().run_due(utcnow())
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


@click.command("send-digests")
@click.option("--week", help="ISO week such as 2026-W47 (default: the last full week).")
def send_digests_command(week: str | None) -> None:
    """Ask for each manager's weekly digest mail; asking twice for a week sends it once."""
    from ledger.mail.digest import request_digests

    try:
        key, new = request_digests(utcnow(), week)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    if new:
        click.echo(f"Digests for {key} asked for: the worker mails each manager.")
    else:
        click.echo(f"Digests for {key} were already asked for: nothing sent twice.")
