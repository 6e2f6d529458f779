"""Service kinds: add company values, rename, describe, retire or bring back."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ledger import clock
from ledger.errors import LedgerError
from ledger.queries.service_kinds import service_kinds
from ledger.services.settings import add_service_kind, update_service_kind
from web.acting import web_actor
from web.forms.admin import ServiceKindEditForm, ServiceKindForm
from web.guards import role_required
from web.views.refusals import show_refusal

bp = Blueprint("admin_kinds", __name__, url_prefix="/admin/service-kinds")


@bp.route("/", methods=["GET", "POST"])
@role_required("admin")
def index():
    form = ServiceKindForm()
    if form.validate_on_submit():
        try:
            add_service_kind(
                form.code.data,
                name=form.name.data,
                description=form.description.data,
                now=clock.utcnow(),
                actor=web_actor(),
            )
        except LedgerError as error:
            show_refusal(form, error)
        else:
            flash(_("Added the service kind %(name)s.", name=form.name.data), "success")
            return redirect(url_for(".index"))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "admin/kinds.html", kinds=service_kinds(active_only=False), form=form
    ), status


@bp.route("/<code>", methods=["GET", "POST"])
@role_required("admin")
def edit(code: str):
    kind = next((k for k in service_kinds(active_only=False) if k["code"] == code), None)
    if kind is None:
        abort(404)
    form = ServiceKindEditForm(data=kind)
    if form.validate_on_submit():
        try:
            update_service_kind(
                code,
                name=form.name.data,
                description=form.description.data,
                active=form.active.data,
                now=clock.utcnow(),
                actor=web_actor(),
            )
        except LedgerError as error:
            show_refusal(form, error)
        else:
            flash(_("Saved the service kind %(name)s.", name=form.name.data), "success")
            return redirect(url_for(".index"))
    status = 422 if request.method == "POST" else 200
    return render_template("admin/kind_edit.html", kind=kind, form=form), status
