"""The language a person reads Baton in: English, Simplified Chinese, or their browser's."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import RadioField

from ledger import clock
from ledger.errors import LedgerError
from ledger.i18n import LANGUAGE_NAMES, in_language, translated
from ledger.preferences import change_language
from web.acting import web_actor
from web.forms.base import choices
from web.i18n import browser_language
from web.text import TextForm

bp = Blueprint("language", __name__)
FOLLOW_BROWSER = ""


class LanguageForm(TextForm):
    language = RadioField(
        _l("Language"),
        choices=choices(
            [(FOLLOW_BROWSER, _l("The one my browser asks for")), *LANGUAGE_NAMES.items()]
        ),
    )


@bp.route("/settings/language", methods=["GET", "POST"])
def settings():
    form = LanguageForm(data={"language": current_user.language or FOLLOW_BROWSER})
    if form.validate_on_submit():
        chosen = form.language.data or None
        try:
            change_language(current_user.id, chosen, now=clock.utcnow(), actor=web_actor())
        except LedgerError as error:
            flash(translated(error.message), "error")
        else:
            with in_language(chosen or browser_language()):  # say it in the language just chosen
                flash(_("Your language is saved."), "success")
            return redirect(url_for(".settings"))
    status = 422 if request.method == "POST" else 200
    return render_template("settings/language.html", form=form), status
