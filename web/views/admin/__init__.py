"""Admin pages: people, allowance settings and top-ups, service kinds, periods; one guard."""

from __future__ import annotations

from flask import Blueprint, render_template

from web.guards import role_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@role_required("admin")
def index():
    return render_template("admin/index.html")
