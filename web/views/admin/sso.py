"""Single sign-on on a person's admin page: unlink a provider account that was replaced."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for

from ledger import clock
from ledger.sso.oidc import unlink_oidc_subject
from web.acting import web_actor
from web.guards import role_required

bp = Blueprint("admin_sso", __name__, url_prefix="/admin/people")
MAX_ID = 2**31 - 1


@bp.post("/<int:user_id>/unlink-sso")
@role_required("admin")
def unlink(user_id: int):
    if user_id > MAX_ID:
        abort(404)
    result = unlink_oidc_subject(user_id, now=clock.utcnow(), actor=web_actor())
    flash(f"{result['email']} will be linked again at their next single sign-on.", "success")
    return redirect(url_for("admin_people.edit", user_id=user_id))
