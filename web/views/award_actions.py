"""What anyone does to an award on the feed: add points to it, or withdraw their own."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ledger import clock
from ledger.errors import LedgerError
from ledger.queries.feed import award_by_id
from ledger.services import add_to_award, withdraw_award
from web.acting import form_key, web_actor
from web.forms.awards import AddOnForm
from web.forms.base import NonceForm
from web.views.feed import kind_names
from web.views.refusals import show_refusal

bp = Blueprint("award_actions", __name__)


@bp.route("/awards/<int:award_id>/add-on", methods=["GET", "POST"])
def add_on(award_id: int):
    award = award_by_id(award_id) or abort(404)
    form = AddOnForm()
    if form.validate_on_submit():
        try:
            result = _add(award_id, form)
        except LedgerError as error:
            show_refusal(form, error)
        else:
            names = ", ".join(line["recipient"]["name"] for line in award["lines"])
            flash(f"You added {form.points.data} points for {names}.", "success")
            return _back_to(result.document["add_on_to"])
    form.renew_nonce()
    status = 422 if request.method == "POST" else 200
    page = render_template("feed/add_on.html", award=award, form=form, kind_names=kind_names())
    return page, status


@bp.post("/awards/<int:award_id>/withdrawal")
def withdraw(award_id: int):
    award = award_by_id(award_id) or abort(404)
    if award["giver"]["id"] != current_user.id:
        abort(403)  # only the giver withdraws; the service says so too (NotTheGiver)
    form = NonceForm()
    if not form.validate_on_submit():
        flash("That button was stale; here is the feed again.", "error")
        return _back_to(award_id)
    try:
        withdraw_award(award_id, now=clock.utcnow(), actor=web_actor(),
                       idempotency=form_key(form, {}))  # fmt: skip
    except LedgerError as error:
        flash(error.message, "error")
    else:
        flash("Withdrawn: the points went back to your allowance.", "success")
    return _back_to(award_id)


def _add(award_id: int, form: AddOnForm):
    message = (form.message.data or "").strip()
    key = form_key(form, {"points": form.points.data, "message": message})
    return add_to_award(award_id, giver=current_user.id, points=form.points.data,
                        message=message, now=clock.utcnow(), actor=web_actor(),
                        idempotency=key)  # fmt: skip


def _back_to(award_id: int):
    return redirect(url_for("feed.index", highlight=award_id, _anchor=f"award-{award_id}"))
