"""The self-service page where a logged-in person confirms "this Slack account is me"."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from ledger import clock
from ledger.chat.links import claim_link, open_offer
from ledger.errors import LedgerError
from ledger.i18n import translated
from web.acting import web_actor

bp = Blueprint("slack_link", __name__)


@bp.route("/slack/link/<token>", methods=["GET", "POST"])
def confirm(token: str):
    offer = open_offer(token, clock.utcnow())
    if offer is None:
        abort(404)
    form = FlaskForm()
    if form.validate_on_submit():
        try:
            claim_link(token, user_id=current_user.id, now=clock.utcnow(), actor=web_actor())
        except LedgerError as error:
            flash(translated(error.message), "error")
            return render_template("slack/link.html", form=form, offer=offer), 409
        flash(_("Your Slack account is linked: give points from Slack with /baton."), "success")
        return redirect(url_for("notifications.settings"))
    return render_template("slack/link.html", form=form, offer=offer)
