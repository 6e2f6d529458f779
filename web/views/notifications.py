"""A person's notices (marked read when seen) and their notification settings."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField

from ledger import clock
from ledger.errors import LedgerError
from ledger.i18n import translated
from ledger.notifications import mark_read
from ledger.preferences import LABELS, change_settings, settings_for
from ledger.queries.notifications import notifications_for, unread_count
from web.acting import web_actor
from web.text import TextForm

bp = Blueprint("notifications", __name__)


class SettingsForm(TextForm):
    award_mail = BooleanField(_l(LABELS["award_mail"]))
    in_app = BooleanField(_l(LABELS["in_app"]))
    digest = BooleanField(_l(LABELS["digest"]))
    webhook_mail = BooleanField(_l(LABELS["webhook_mail"]))


@bp.get("/notifications")
def index():
    notices = notifications_for(current_user.id)
    # Shown now, so read now; the page still marks them as new this once.
    mark_read(current_user.id, [n["id"] for n in notices if n["unread"]], clock.utcnow())
    return render_template("notifications/index.html", notices=notices)


@bp.route("/settings/notifications", methods=["GET", "POST"])
def settings():
    form = SettingsForm(data=settings_for(current_user.id))
    if form.validate_on_submit():
        choices = {name: form[name].data for name in LABELS}
        try:
            change_settings(current_user.id, choices, now=clock.utcnow(), actor=web_actor())
        except LedgerError as error:
            flash(translated(error.message), "error")
        else:
            flash(_("Your notification settings are saved."), "success")
            return redirect(url_for(".settings"))
    status = 422 if request.method == "POST" else 200
    return render_template("notifications/settings.html", form=form), status


def unread_for_navigation() -> dict:
    """Give every page the signed-in person's unread count for the navigation."""
    if not current_user.is_authenticated:
        return {}
    return {"unread_notices": unread_count(current_user.id)}
