"""Allowance settings (applying from the next period) and top-ups with a reason."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ledger import clock
from ledger.errors import LedgerError
from ledger.queries.people import people_search
from ledger.queries.periods import policy_overview
from ledger.services import top_up
from ledger.services.settings import update_policy
from web.acting import form_key, web_actor
from web.forms.admin import PolicyForm, TopUpForm
from web.forms.base import choices
from web.guards import role_required
from web.views.refusals import show_refusal

bp = Blueprint("admin_settings", __name__, url_prefix="/admin")


@bp.route("/settings", methods=["GET", "POST"])
@role_required("admin")
def allowance():
    overview = policy_overview(clock.utcnow())
    form = PolicyForm(data=overview["latest"])
    if form.validate_on_submit():
        try:
            result = update_policy(
                **{name: form[name].data for name in overview["latest"]},
                now=clock.utcnow(),
                actor=web_actor(),
            )
        except LedgerError as error:
            show_refusal(form, error)
        else:
            day = result.document["effective_from"]
            flash(_("Saved. The new rules apply from %(day)s.", day=day), "success")
            return redirect(url_for(".allowance"))
    return _render(form, _top_up_form(), overview)


@bp.post("/top-ups")
@role_required("admin")
def add_top_up():
    form = _top_up_form()
    if form.validate_on_submit():
        key = form_key(form, [form.user.data, form.points.data, form.reason.data])
        try:
            result = top_up(
                form.user.data,
                points=form.points.data,
                reason=form.reason.data,
                now=clock.utcnow(),
                actor=web_actor(),
                idempotency=key,
            )
        except LedgerError as error:
            show_refusal(form, error)
        else:
            document = result.document
            flash(
                _(
                    "Added %(points)s points to %(name)s's allowance for %(period)s.",
                    points=document["points"],
                    name=document["user"]["name"],
                    period=document["period"],
                ),
                "success",
            )
            return redirect(url_for(".allowance"))
    form.renew_nonce()
    overview = policy_overview(clock.utcnow())
    return _render(PolicyForm(formdata=None, data=overview["latest"]), form, overview)


def _top_up_form() -> TopUpForm:
    form = TopUpForm()
    people = [(p["id"], f"{p['name']} ({p['email']})") for p in people_search()]
    form.user.choices = choices([(0, _("Choose a person")), *people])
    if request.method == "GET":
        form.renew_nonce()
    return form


def _render(policy_form, top_up_form, overview):
    status = 422 if request.method == "POST" else 200
    return render_template(
        "admin/settings.html", form=policy_form, top_up=top_up_form, overview=overview
    ), status
