"""Admin pages: people, allowance settings and top-ups, service kinds, periods; one guard."""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


def admin_required(view):
    """Let only signed-in admins through; everyone else gets a 403 page."""

    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if current_user.role != "admin":
            abort(403)
        return view(*args, **kwargs)

    return wrapper


@bp.get("/")
@admin_required
def index():
    return render_template("admin/index.html")
