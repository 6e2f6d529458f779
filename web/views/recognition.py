"""The givers' leaderboard (who thanks most people) and each person's own payouts."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from ledger import clock
from ledger.errors import LedgerError, http_status
from ledger.queries.givers import giver_standings, givers_table
from ledger.queries.payouts import payouts
from ledger.queries.periods import recent_period_keys
from ledger.tokens import allowed_scopes
from web.scopes import own_scopes, scope_label
from web.views.exports import csv_response

bp = Blueprint("recognition", __name__)


@bp.get("/leaderboard/givers")
def givers():
    choice, window, rows, error = _ranking()
    return render_template(
        "leaderboard/givers.html",
        choice=choice,
        rows=rows,
        window=window,
        error=error,
        top=max((row["people"] for row in rows), default=0),
        scopes=[(scope, scope_label(scope)) for scope in own_scopes(_manage())],
        periods=recent_period_keys(clock.utcnow()),
    ), http_status(error.code) if error else 200


@bp.get("/leaderboard/givers.csv")
def givers_csv():
    choice, _, rows, error = _ranking()
    if error:
        return givers()
    return csv_response(*givers_table(rows), f"baton-givers-{choice['period']}.csv")


@bp.get("/payouts")
def my_payouts():
    return render_template("payouts/index.html", payouts=payouts(current_user.id))


def _manage() -> bool:
    return "manage" in allowed_scopes(current_user)


def _ranking():
    """Read scope and period from the query string and rank; an error comes back."""
    periods = recent_period_keys(clock.utcnow())
    choice = {
        "scope": request.args.get("scope") or "company",
        "period": request.args.get("period") or periods["months"][0],
    }
    try:
        window, rows = giver_standings(
            current_user, now=clock.utcnow(), manage=_manage(),
            scope=choice["scope"], period=choice["period"],
        )  # fmt: skip
    except LedgerError as error:
        return choice, None, [], error
    return choice, window, rows, None
