"""Periods: open the current one (grant every allowance), close ended ones."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for

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
            f"Period {document['period']} is open: {document['people']} people, "
            f"{document['granted']} new allowances granted.",
            "success",
        )
    return redirect(url_for(".index"))


@bp.post("/close")
@role_required("admin")
def close():
    form = ClosePeriodForm()
    if not form.validate_on_submit():
        flash("Choose a period to close.", "error")
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
                flash(f"Period {document['period']} was already closed.", "info")
            else:
                flash(
                    f"Closed {document['period']}: {document['expired']} unspent points "
                    f"expired from {document['accounts']} allowances.",
                    "success",
                )
    return redirect(url_for(".index"))
