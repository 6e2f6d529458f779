"""The home page: my allowance to give, my earned points, the latest recognition."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from ledger import clock
from ledger.queries.balances import balances
from ledger.queries.feed import feed_page
from ledger.queries.periods import period_progress
from web.views.feed import kind_names

bp = Blueprint("pages", __name__)


@bp.get("/")
def home():
    now = clock.utcnow()
    awards, _ = feed_page(limit=5)
    return render_template(
        "home.html",
        balances=balances(current_user.id, now),
        period=period_progress(now),
        awards=awards,
        kind_names=kind_names(),
    )
