"""Request pages: ask for help, my requests, a department's open queue, one request's relay."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ledger import clock, request_rules
from ledger.errors import LedgerError
from ledger.i18n import translated
from ledger.queries.people import departments, people_search
from ledger.queries.request_list import RequestFilter, list_requests
from ledger.queries.requests import check_visible, request_for
from ledger.queries.service_kinds import service_kinds
from ledger.services.request_close import CloseAward, close_request
from ledger.services.requests import open_request, take_step
from web.acting import form_key, web_actor
from web.forms.base import choices
from web.forms.requests import AskForm, StepForm
from web.views.refusals import show_refusal

bp = Blueprint("requests", __name__, url_prefix="/requests")


@bp.record_once
def _labels(state) -> None:
    # Globals, not a context processor: the macros every page imports see them too.
    labels = {"STATE_LABELS": STATE_LABELS, "EVENT_LABELS": EVENT_LABELS,
              "STEP_LABELS": STEP_LABELS, "NOTE_LABELS": NOTE_LABELS}  # fmt: skip
    state.app.jinja_env.globals.update(labels)


LIST_LIMIT = 200
STATE_LABELS = {
    "open": _l("Open"),
    "accepted": _l("Accepted"),
    "handed_off": _l("Handed off"),
    "delivered": _l("Delivered"),
    "closed": _l("Closed"),
    "withdrawn": _l("Withdrawn"),
    "declined": _l("Declined"),
}
EVENT_LABELS = {
    "opened": _l("Asked"),
    "accepted": _l("Accepted"),
    "handed_off": _l("Handed off"),
    "delivered": _l("Delivered"),
    "closed": _l("Closed"),
    "withdrawn": _l("Withdrawn"),
    "declined": _l("Declined"),
}
STEP_LABELS = {
    "accept": _l("Take it on"),
    "handoff": _l("Hand it on"),
    "deliver": _l("Mark delivered"),
    "close": _l("Close the request"),
    "withdraw": _l("Withdraw it"),
    "decline": _l("Decline it"),
}
NOTE_LABELS = {
    "accept": _l("Note (optional)"),
    "deliver": _l("Note (optional)"),
    "handoff": _l("What is done, what is left, where things are"),
    "close": _l("Note (optional)"),
    "withdraw": _l("Why you withdraw it"),
    "decline": _l("Why you decline it"),
}
DONE = {
    "accept": _l("You took the request on."),
    "handoff": _l("Handed on, with your note."),
    "deliver": _l("Delivered: the customer can now close it."),
    "close": _l("Closed. Thank you for closing the loop."),
    "withdraw": _l("Withdrawn."),
    "decline": _l("Declined, with your reason."),
}


@bp.get("/")
def mine():
    now = clock.utcnow()
    lists = {
        role: list_requests(current_user, RequestFilter(role=role), now=now, limit=LIST_LIMIT)
        for role in ("customer", "provider")
    }
    return render_template("requests/mine.html", asked=lists["customer"], serving=lists["provider"])


@bp.get("/queue")
def queue():
    chosen = request.args.get("department", type=int) or current_user.department_id
    filters = RequestFilter(department_id=chosen, states=("open",))
    found = []
    if chosen:
        found = list_requests(current_user, filters, now=clock.utcnow(), limit=LIST_LIMIT)
    return render_template(
        "requests/queue.html", requests=found, departments=departments(), chosen=chosen
    )


@bp.route("/new", methods=["GET", "POST"])
def ask():
    form = AskForm()
    _people_choices(form.provider, _("Nobody in particular"))
    form.department.choices = choices(
        [("", _("No department")), *((d["id"], d["name"]) for d in departments())]
    )
    if request.method == "GET" and request.args.get("to", "").isdigit():
        form.provider.data = int(request.args["to"])
    if form.validate_on_submit():
        try:
            result = open_request(
                customer=current_user.id, need=form.need.data, provider=form.provider.data,
                department=form.department.data, due_at=form.due.data, now=clock.utcnow(),
                actor=web_actor(), idempotency=form_key(form, form.fields_for_hash()),
            )  # fmt: skip
        except LedgerError as error:
            show_refusal(form, error)
        else:
            flash(_("Your request is on its way; you will see each step here."), "success")
            return redirect(url_for("requests.show", request_id=result.document["id"]))
    form.renew_nonce()
    status = 422 if request.method == "POST" else 200
    return render_template("requests/ask.html", form=form), status


@bp.get("/<int:request_id>")
def show(request_id: int):
    document = request_for(current_user, request_id, now=clock.utcnow())
    facts = request_rules.facts_from_document(document)
    steps = request_rules.steps_open_to(facts, current_user.id, current_user.department_id)
    form = StepForm(formdata=None)
    form.renew_nonce()
    _people_choices(form.to, _("Choose the next provider"))
    form.service_kind.choices = choices([(k["code"], k["name"]) for k in service_kinds()])
    return render_template("requests/show.html", request_doc=document, steps=steps, form=form)


@bp.post("/<int:request_id>/<any(accept, handoff, deliver, close, withdraw, decline):action>")
def step(request_id: int, action: str):
    check_visible(current_user, request_id)  # beyond your reach: a 404 before any form
    form = StepForm()
    form.to.choices = []  # any person: the ledger names an unknown one
    if not form.validate_on_submit():
        problems = [message for errors in form.errors.values() for message in errors]
        flash(" ".join(problems) or _("The form expired; try again."), "error")
        return redirect(url_for("requests.show", request_id=request_id))
    try:
        _take(request_id, action, form)
    except LedgerError as error:
        flash(translated(error.message), "error")
    else:
        flash(str(DONE[action]), "success")
    return redirect(url_for("requests.show", request_id=request_id))


def _take(request_id: int, action: str, form: StepForm):
    key = form_key(form, form.fields_for_hash(action))
    common = {"by": current_user.id, "note": form.note.data or "", "now": clock.utcnow(),
              "actor": web_actor(), "idempotency": key}  # fmt: skip
    if action == "close":
        award = None
        if form.with_award.data:
            award = CloseAward(form.points.data, form.message.data or "", form.service_kind.data)
        return close_request(request_id, award=award, **common)
    return take_step(request_id, action, to=form.to.data, **common)


def _people_choices(field, empty: str) -> None:
    people = [p for p in people_search(limit=500) if p["id"] != current_user.id]
    field.choices = choices([("", empty), *((p["id"], p["name"]) for p in people)])
