"""Periods: open the current one (grant every allowance), close ended ones."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ledger import clock
from ledger.errors import LedgerError
from ledger.i18n import translated
from ledger.queries.periods import period_progress, periods_overview
from ledger.services import close_period, open_period
from web.acting import web_actor
from web.forms.admin import ClosePeriodForm
from web.guards import role_required

bp = Blueprint("admin_periods", __name__, url_prefix="/admin/periods")


@bp.get("/")
@role_required("admin")
def index():
    now = clock.utcnow()
    return render_template(
        "admin/periods.html",
        periods=periods_overview(),
        current=period_progress(now),
        now=now,
        close_form=ClosePeriodForm(),
    )


@bp.post("/open")
@role_required("admin")
def open_current():
    try:
        result = open_period(None, now=clock.utcnow(), actor=web_actor())
    except LedgerError as error:
        flash(translated(error.message), "error")
    else:
        document = result.document
        flash(
            _(
                "Period %(period)s is open: %(people)s people, %(granted)s new allowances granted.",
                period=document["period"],
                people=document["people"],
                granted=document["granted"],
            ),
            "success",
        )
    return redirect(url_for(".index"))


@bp.post("/close")
@role_required("admin")
def close():
    form = ClosePeriodForm()
    if not form.validate_on_submit():
        flash(_("Choose a period to close."), "error")
        return redirect(url_for(".index"))
    try:
        results = close_period(
            form.key.data,
            now=clock.utcnow(),
            actor=web_actor(),
            force=form.force.data,
        )
    except LedgerError as error:
        flash(translated(error.message), "error")
    else:
        for result in results:
            document = result.document
            if document["already_closed"]:
                flash(_("Period %(period)s was already closed.", period=document["period"]), "info")
            else:
                flash(
                    _(
                        "Closed %(period)s: %(expired)s unspent points expired from "
                        "%(accounts)s allowances.",
                        period=document["period"],
                        expired=document["expired"],
                        accounts=document["accounts"],
                    ),
                    "success",
                )
    return redirect(url_for(".index"))
