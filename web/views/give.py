"""The peer award form: choose people, points each, how they served you, and why."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ledger import clock
from ledger.errors import LedgerError
from ledger.queries.balances import balances
from ledger.queries.org import directions_from
from ledger.queries.people import people_search
from ledger.queries.periods import award_limits
from ledger.queries.service_kinds import service_kinds
from ledger.services import award_points
from web.acting import form_key, web_actor
from web.forms.awards import GiveForm
from web.text import search_text
from web.views.refusals import show_refusal

bp = Blueprint("give", __name__)
PICKER_LIMIT = 500  # people listed at once; beyond that, the search asks the server


@bp.route("/give", methods=["GET", "POST"])
def form():
    kinds = service_kinds()
    form = GiveForm()
    form.service_kind.choices = [(kind["code"], kind["name"]) for kind in kinds]
    if request.method == "GET":
        form.recipients.data = [int(v) for v in request.args.getlist("to") if v.isdigit()]
    if form.validate_on_submit():
        try:
            result = _give(form)
        except LedgerError as error:
            show_refusal(form, error)
        else:
            return _done(result)
    form.renew_nonce()
    status = 422 if request.method == "POST" else 200
    return render_template("give/form.html", **_page(form, kinds)), status


def _give(form: GiveForm):
    key = form_key(form, form.fields_for_hash())
    return award_points(
        giver=current_user.id,
        recipients=form.recipients.data,
        points=form.points.data,
        message=form.message.data,
        service_kind=form.service_kind.data,
        now=clock.utcnow(),
        actor=web_actor(),
        idempotency=key,
        proactive=form.proactive.data,
    )


def _done(result):
    award = result.document
    names = _(", ").join(line["recipient"]["name"] for line in award["lines"])
    if result.replayed:
        flash(
            _("That award to %(names)s was already recorded; it counts once.", names=names), "info"
        )
    else:
        flash(
            _("Thank you! %(names)s received your points; everyone can see it below.", names=names),
            "success",
        )
    return redirect(url_for("feed.index", highlight=award["id"], _anchor=f"award-{award['id']}"))


def _page(form: GiveForm, kinds: list[dict]) -> dict:
    now = clock.utcnow()
    query, problem = search_text()
    found = [] if problem else people_search(query, limit=PICKER_LIMIT)
    people = [p for p in found if p["id"] != current_user.id]
    return {
        "complete": len(found) < PICKER_LIMIT,
        "form": form,
        "kinds": kinds,
        "people": people,
        "directions": directions_from(current_user.id, [person["id"] for person in people]),
        "query": query,
        "search_error": problem,
        "balances": balances(current_user.id, now),
        "limits": award_limits(now),
    }
