"""`flask ledger bonus-run create|show|commit|void|paid`: bonus runs for scheduled use.

A commit names the version of the preview it pays (`create` and `show` print it), so the
command line, like the API and the web page, never pays amounts nobody was shown.
"""

from __future__ import annotations

from datetime import date, timedelta

import click
from flask.cli import AppGroup

from ledger import calendar, settings
from ledger.clock import utcnow
from ledger.errors import LedgerError
from ledger.operations import Actor, IdempotencyKey, request_hash
from ledger.queries.people import user_by_email

from .queries import get_run
from .rules import DEFAULT_CUSTOMERS_K, MAX_CUSTOMERS_K, Rule
from .services import commit_run, create_draft, mark_paid, void_run

bonus_cli = AppGroup("bonus-run", help="Turn earned points into money for payroll.")
AS_HELP = "Email of the manager or admin running it (never paid by it)."
RUN_ID = click.IntRange(1, 2**31 - 1)


def _person(email: str):
    user = user_by_email(email)
    if user is None:
        raise click.ClickException(f"No one in the directory has the email {email!r}.")
    return user


def _actor(email: str) -> Actor:
    return Actor(_person(email).id, request_id="cli")


def _last_month() -> tuple[date, date]:
    today = calendar.local_date(utcnow(), settings.timezone())
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


@bonus_cli.command("create")
@click.option("--as", "email", required=True, help=AS_HELP)
@click.option("--scope", required=True, help="team:<manager id>, department:<id> or company.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="First day (inclusive).")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Last day (inclusive).")
@click.option("--last-month", is_flag=True, help="The previous calendar month.")
@click.option("--rate", type=click.IntRange(1, 10**6), help="Minor units per point.")
@click.option("--pool", type=click.IntRange(1, 10**11), help="A sum in minor units to split.")
@click.option("--currency", required=True, help="ISO 4217 code, e.g. EUR.")
@click.option("--cap", type=click.IntRange(1, 10**11), help="Most one person gets (minor units).")
@click.option("--min-points", type=click.IntRange(0, 10**6), default=0)
@click.option(
    "--by-customers", is_flag=True,
    help="Weight points by distinct customers: points x min(1, customers / k).",
)  # fmt: skip
@click.option(
    "--customers-k", type=click.IntRange(1, MAX_CUSTOMERS_K),
    help=f"With --by-customers: the customers that count in full (default {DEFAULT_CUSTOMERS_K}).",
)  # fmt: skip
def create_command(
    email, scope, since, until, last_month, rate, pool, currency, cap, min_points, by_customers,
    customers_k,
):  # fmt: skip
    """Preview a run; nothing is converted until `commit`."""
    if (rate is None) == (pool is None):
        raise click.UsageError("Give exactly one of --rate or --pool.")
    if customers_k is not None and not by_customers:
        raise click.UsageError("--customers-k goes with --by-customers.")
    if last_month:
        since, until = _last_month()
    elif since is None or until is None:
        raise click.UsageError("Give --since and --until, or --last-month.")
    else:
        since, until = since.date(), until.date()
    k = (customers_k or DEFAULT_CUSTOMERS_K) if by_customers else None
    rule = Rule("rate" if rate else "pool", rate, pool, cap, min_points, k)
    try:
        doc = create_draft(
            scope=scope, since=since, until=until, rule=rule, currency=currency,
            now=utcnow(), actor=_actor(email),
        ).document  # fmt: skip
    except LedgerError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"{_summary(doc)} ({scope}, {since} to {until}); version {doc['version']}")


def _summary(doc: dict) -> str:
    totals = doc["totals"]
    return (
        f"Draft bonus run {doc['id']}: {totals['people']} people, {totals['points']} points, "
        f"{doc['currency']} {totals['amount']}"
    )


@bonus_cli.command("show")
@click.argument("run_id", type=RUN_ID)
@click.option("--as", "email", required=True, help=AS_HELP)
def show_command(run_id, email):
    """Print a run's lines as previewed now, then its totals and the version to commit."""
    try:
        doc = get_run(run_id, _person(email))
    except LedgerError as error:
        raise click.ClickException(error.message) from error
    for line in doc["lines"]:
        notes = [word for word in ("capped", "below_minimum", "inactive") if line[word]]
        if line.get("effective_points") is not None:
            weighted = f"{line['effective_points']:g} effective, {line['customers']} customers"
            notes.insert(0, weighted)
        click.echo(
            f"  {line['user']['name']} <{line['user']['email']}>: {line['points']} points, "
            f"{doc['currency']} {line['amount']}" + (f" ({', '.join(notes)})" if notes else "")
        )
    if doc["status"] != "draft":
        click.echo(f"Bonus run {doc['id']} is {doc['status']}: {doc['currency']} "
                   f"{doc['total_amount']} for {doc['total_points']} points.")  # fmt: skip
        return
    click.echo(f"{_summary(doc)}; version {doc['version']}")


def _transition(service, verb: str):
    @click.argument("run_id", type=RUN_ID)
    @click.option("--as", "email", required=True, help=AS_HELP)
    @click.option("--key", help="Idempotency key: a retry with the same key does it once.")
    def command(run_id, email, key, version=None):
        actor = _actor(email)
        body = {"version": version} if verb == "commit" else {}
        idempotency = None
        if key:
            path = f"/api/v1/bonus-runs/{run_id}/{verb}"
            hashed = request_hash("POST", path, body)
            idempotency = IdempotencyKey(f"user:{actor.user_id}", key, hashed)
        try:
            result = service(run_id, now=utcnow(), actor=actor, idempotency=idempotency, **body)
        except LedgerError as error:
            draft = error.details.get("draft")
            if draft:
                raise click.ClickException(
                    f"{error.message} Now: {_summary(draft)}; version {draft['version']}"
                ) from error
            raise click.ClickException(error.message) from error
        doc = result.document
        replay = " (replayed)" if result.replayed else ""
        click.echo(
            f"Bonus run {doc['id']} is {doc['status']}{replay}: "
            f"{doc['currency']} {doc['total_amount']} for {doc['total_points']} points."
        )

    if verb == "commit":
        command = click.option(
            "--version",
            "version",
            required=True,
            help="The version `create` or `show` printed: the preview you checked and pay.",
        )(command)
    command.__doc__ = {
        "commit": "Convert the previewed version of a draft; refused if anything changed since.",
        "void": "Void a run before it is paid: the points go back.",
        "paid": "Record that payroll paid the run.",
    }[verb]
    return bonus_cli.command(verb)(command)


_transition(commit_run, "commit")
_transition(void_run, "void")
_transition(mark_paid, "paid")
