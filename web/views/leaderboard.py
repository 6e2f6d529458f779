"""The leaderboard: who served most, in a scope and a window, as a table or a CSV file."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request
from flask_login import current_user

from ledger import clock
from ledger.errors import LedgerError, ValidationFailed, http_status
from ledger.i18n import N_
from ledger.queries.leaderboard import METRICS
from ledger.queries.leaderboard_csv import leaderboard_table
from ledger.queries.people import departments
from ledger.queries.periods import recent_period_keys
from ledger.queries.scopes import departments_in_reach
from ledger.queries.service_kinds import service_kinds
from ledger.queries.standings import standings
from ledger.rules import DIRECTIONS
from ledger.tokens import allowed_scopes
from web.scopes import department_label, own_scopes, scope_label
from web.views.exports import csv_response

bp = Blueprint("leaderboard", __name__)


@bp.get("/leaderboard")
def index():
    choice, rows, split, error = _ranking()
    top = max((row[choice["metric"]] for row in rows), default=0)
    return render_template(
        "leaderboard/index.html",
        choice=choice,
        rows=rows,
        top=top,
        error=error,
        scopes=_scope_options(),
        periods=recent_period_keys(clock.utcnow()),
        kinds=service_kinds(active_only=False),
        split=split,
    ), http_status(error.code) if error else 200


@bp.get("/leaderboard.csv")
def download():
    choice, rows, split, error = _ranking()
    if error:
        return index()
    header, lines = leaderboard_table(rows, split)
    return csv_response(header, lines, f"baton-leaderboard-{choice['period'] or 'custom'}.csv")


def _manage() -> bool:
    return "manage" in allowed_scopes(current_user)


def _ranking():
    """Read the choices from the query string and rank; an error comes back, never raised.

    The split by direction comes only for a scope within the viewer's reach (and with the
    manage right); otherwise the rows do not carry it at all.
    """
    args = request.args
    now = clock.utcnow()
    choice = {
        "scope": args.get("scope") or "company",
        "period": args.get("period") or None,
        "since": args.get("since") or "",
        "until": args.get("until") or "",
        "metric": args.get("metric") if args.get("metric") in METRICS else "points",
        "direction": args.get("direction") if args.get("direction") in DIRECTIONS else "",
        "kind": args.get("kind") or "",
    }
    if choice["period"] == "custom" or (not choice["period"] and choice["since"]):
        choice["period"] = None
    elif not choice["period"]:
        choice["period"] = recent_period_keys(now)["months"][0]
    try:
        since = _day(choice["since"], "since") if choice["period"] is None else None
        until = _day(choice["until"], "until") if choice["period"] is None else None
        if choice["period"] is None and (since is None or until is None):
            # A custom range without its dates used to show this month without saying so.
            raise ValidationFailed(
                N_("For a custom range give both dates (From and Until); or choose a period."),
                field="since",
            )
        ranked = standings(
            current_user,
            now=now,
            manage=_manage(),
            scope=choice["scope"],
            period=choice["period"],
            since=since,
            until=until,
            metric=choice["metric"],
            direction=choice["direction"] or None,
            service_kind=choice["kind"] or None,
        )
    except LedgerError as error:
        return choice, [], False, error
    return choice, ranked.rows, ranked.by_direction, None


BAD_DATE = {
    "since": N_("Give the From date as a date, such as 2026-11-01."),
    "until": N_("Give the Until date as a date, such as 2026-11-01."),
}


def _day(text: str, name: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(BAD_DATE[name], field=name) from None


def _scope_options() -> list[tuple[str, str]]:
    options = [(scope, scope_label(scope)) for scope in own_scopes(_manage())]
    # Other departments only where the viewer's reach covers all their people.
    covered = departments_in_reach(current_user)
    options += [
        (f"department:{d['id']}", department_label(d["name"]))
        for d in departments()
        if d["id"] != current_user.department_id and d["id"] in covered
    ]
    return options
