"""The pages everyone sees: home and the feed."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

from ledger.queries.feed import recent_awards

bp = Blueprint("pages", __name__)


@bp.get("/")
@login_required
def home():
    return render_template("home.html", awards=recent_awards(limit=20))
