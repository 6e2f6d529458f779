"""Invite people to set their password: one person, or everyone who has never signed in."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ledger import clock
from ledger.errors import LedgerError
from ledger.i18n import translated
from ledger.password_links import MAX_INVITATIONS, invite, mail_configured
from ledger.queries.people import never_signed_in
from web.acting import web_actor
from web.guards import role_required

bp = Blueprint("admin_invitations", __name__, url_prefix="/admin/people")
MAX_ID = 2**31 - 1


@bp.post("/<int:user_id>/invite")
@role_required("admin")
def invite_one(user_id: int):
    if user_id > MAX_ID:
        abort(404)
    return _invite([user_id], back=url_for("admin_people.edit", user_id=user_id))


@bp.post("/invite")
@role_required("admin")
def invite_many():
    # From the import result: the people it named; from the people page: everyone.
    emails = [email[:254] for email in request.form.getlist("email")[:MAX_INVITATIONS]]
    people = never_signed_in(emails or None)
    if not people:
        flash(_("Everyone there has signed in already: no one to invite."), "info")
        return redirect(url_for("admin_people.index"))
    return _invite([person.id for person in people], back=url_for("admin_people.index"))


def _invite(user_ids: list[int], back: str):
    mail = mail_configured()
    try:
        issued = invite(user_ids, now=clock.utcnow(), actor=web_actor(), mail=mail)
    except LedgerError as error:
        flash(translated(error.message), "error")
        return redirect(back)
    if mail:
        if len(issued) == 1:
            sent = _(
                "Invitation mailed to %(name)s; the link works once, for three days.",
                name=issued[0].person["name"],
            )
        else:
            sent = _(
                "Invitations mailed to %(count)s people; each link works once, for three days.",
                count=len(issued),
            )
        flash(sent, "success")
        return redirect(back)
    # No mail here: the admin hands the links over, as with `flask ledger set-password`.
    return render_template("admin/invitations.html", issued=issued, back=back)
