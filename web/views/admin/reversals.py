"""Reverse a whole award (admins): the points go back, history stays and says why."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ledger import clock
from ledger.errors import LedgerError
from ledger.i18n import translated
from ledger.queries.feed import award_by_id
from ledger.queries.service_kinds import service_kinds
from ledger.services import reverse_award
from web.acting import form_key, web_actor
from web.forms.awards import ReversalForm
from web.guards import role_required
from web.views.refusals import show_refusal

bp = Blueprint("admin_reversals", __name__, url_prefix="/admin")


@bp.route("/awards/<int:award_id>/reverse", methods=["GET", "POST"])
@role_required("admin")
def form(award_id: int):
    award = award_by_id(award_id) or abort(404)
    form = ReversalForm()
    if form.validate_on_submit():
        try:
            result = _reverse(award_id, form)
        except LedgerError as error:
            show_refusal(form, error)
        else:
            flash(_done_message(result), "success")
            return redirect(url_for("feed.index", highlight=award_id, _anchor=f"award-{award_id}"))
    form.renew_nonce()
    kinds = {kind["code"]: translated(kind["name"]) for kind in service_kinds(active_only=False)}
    status = 422 if request.method == "POST" else 200
    return render_template("admin/reverse.html", award=award, form=form, kinds=kinds), status


def _reverse(award_id: int, form: ReversalForm):
    key = form_key(form, [form.reason.data, form.clawback.data])
    return reverse_award(award_id, reason=form.reason.data, clawback=form.clawback.data,
                         now=clock.utcnow(), actor=web_actor(),
                         idempotency=key)  # fmt: skip


def _done_message(result) -> str:
    returned = result.document["points_returned"]
    if result.document["returned_to"] == "allowance":
        return _("Reversed: %(points)s points went back to the giver's allowance.", points=returned)
    return _(
        "Reversed: %(points)s points went to expired points (its period is closed).",
        points=returned,
    )
