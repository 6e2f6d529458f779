"""Bonus-run pages: create a run, preview it, commit, download payroll, mark paid, void."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ledger import calendar, clock, settings
from ledger.bonus.money import major_units, minor_units
from ledger.bonus.queries import (
    PAYROLL_COLUMNS,
    get_run,
    list_runs,
    payroll,
    visible_run,
    without_hr_number,
)
from ledger.bonus.rules import DEFAULT_CUSTOMERS_K, Rule
from ledger.bonus.services import commit_run, create_draft, mark_paid, void_run
from ledger.errors import LedgerError
from ledger.export import csv_from_dicts
from ledger.i18n import translated
from ledger.queries.insights import flags_by_person
from ledger.queries.leaderboard import Window
from ledger.queries.people import departments
from web.acting import form_key, web_actor
from web.forms.base import NonceForm, choices
from web.forms.bonus import ConfirmForm, RunForm
from web.guards import role_required
from web.scopes import scope_label
from web.views.refusals import show_refusal

bp = Blueprint("bonus", __name__, url_prefix="/bonus")
bp.add_app_template_filter(major_units, "bonus_major")


@bp.route("/", methods=["GET", "POST"])
@role_required("manager", "admin")
def index():
    form = _run_form()
    if form.validate_on_submit():
        try:
            run = _create(form)
        except LedgerError as error:
            show_refusal(form, error)
        else:
            return redirect(url_for("bonus.show", run_id=run["id"]))
    status = 422 if request.method == "POST" else 200
    return render_template("bonus/index.html", form=form, runs=list_runs(current_user)), status


@bp.get("/<int:run_id>")
@role_required("manager", "admin")
def show(run_id: int):
    run = get_run(run_id, current_user)
    forms = {verb: _nonce_form(ConfirmForm if verb == "commit" else NonceForm) for verb in VERBS}
    forms["commit"].version.data = run.get("version")
    # Pairs and rings trading points in the run's window, beside the people concerned.
    window = Window(*(datetime.fromisoformat(run[bound]) for bound in ("since", "until")))
    people = [line["user"]["id"] for line in run["lines"] if line["amount_cents"] > 0]
    trading = flags_by_person(window, [line["user"]["id"] for line in run["lines"]])
    unnumbered = without_hr_number(people)
    return render_template(
        "bonus/show.html", run=run, forms=forms, trading=trading, unnumbered=unnumbered
    )


@bp.post("/<int:run_id>/<any(commit, void, paid):verb>")
@role_required("manager", "admin")
def transition(run_id: int, verb: str):
    visible_run(run_id, current_user)  # a run outside your reach is a 404, before any form
    form = (ConfirmForm if verb == "commit" else NonceForm)()
    if not form.validate_on_submit():
        flash(_("Tick the confirmation to commit the run."), "error")
        return redirect(url_for("bonus.show", run_id=run_id))
    body = {"version": form.version.data} if verb == "commit" else {}
    try:
        VERBS[verb](
            run_id, now=clock.utcnow(), actor=web_actor(), idempotency=form_key(form, body), **body
        )
    except LedgerError as error:
        flash(str(STALE) if error.code == "draft_stale" else translated(error.message), "error")
    else:
        flash(str(DONE[verb]), "success")
    return redirect(url_for("bonus.show", run_id=run_id))


@bp.get("/<int:run_id>/payroll.csv")
@role_required("manager", "admin")
def payroll_csv(run_id: int):
    text = csv_from_dicts(PAYROLL_COLUMNS, payroll(run_id, current_user))
    disposition = f'attachment; filename="bonus-run-{run_id}-payroll.csv"'
    return Response(text, mimetype="text/csv", headers={"Content-Disposition": disposition})


VERBS = {"commit": commit_run, "void": void_run, "paid": mark_paid}
STALE = _l(
    "The points or amounts changed since you looked, so nothing was committed. "
    "The page now shows the new amounts: check them and commit again."
)
DONE = {
    "commit": _l("Committed: the points are converted and the amounts are fixed."),
    "void": _l("Voided: the points are back and can be converted again."),
    "paid": _l("Marked as paid."),
}


def _nonce_form(form_class):
    form = form_class(formdata=None)
    form.renew_nonce()
    return form


def _run_form() -> RunForm:
    form = RunForm()
    scopes = [f"team:{current_user.id}"]
    if current_user.role == "admin":
        scopes.append("company")
        scopes += [f"department:{d['id']}" for d in departments()]
    form.scope.choices = choices([(scope, scope_label(scope)) for scope in scopes])
    if request.method == "GET":
        today = calendar.local_date(clock.utcnow(), settings.timezone())
        form.until.data = today.replace(day=1) - timedelta(days=1)
        form.since.data = form.until.data.replace(day=1)
    return form


def _create(form: RunForm) -> dict:
    currency = form.currency.data
    amount = minor_units(form.amount.data, currency, field="amount")
    cap = minor_units(form.cap.data, currency, field="cap") if form.cap.data else None
    rate = form.rule.data == "rate"
    k = (form.customers_k.data or DEFAULT_CUSTOMERS_K) if form.by_customers.data else None
    rule = Rule(form.rule.data, amount if rate else None, None if rate else amount, cap,
                form.min_points.data or 0, k)  # fmt: skip
    return create_draft(
        scope=form.scope.data, since=form.since.data, until=form.until.data, rule=rule,
        currency=currency, now=clock.utcnow(), actor=web_actor(),
    ).document  # fmt: skip
