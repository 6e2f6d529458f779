"""The directory for admins: search, add, edit, deactivate, and the HR import."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ledger import clock
from ledger.errors import LedgerError
from ledger.i18n import translated
from ledger.imports.importer import ImportRejected, import_file
from ledger.queries.people import (
    count_never_signed_in,
    list_users,
    people_search,
    user_by_id,
    user_document,
)
from ledger.services.directory import create_user, deactivate_user, update_user
from ops.edge import large_upload
from web.acting import web_actor
from web.forms.admin import ImportForm, NewPersonForm, PersonEditForm
from web.forms.base import choices
from web.guards import role_required
from web.text import search_text
from web.views.refusals import show_refusal

bp = Blueprint("admin_people", __name__, url_prefix="/admin/people")
MAX_ID = 2**31 - 1


def _manager_choices(excluding: int | None = None, current: dict | None = None):
    """Offer active people only; a manager who has since left stays listed so a save keeps them."""
    people = [p for p in people_search() if p["id"] != excluding]
    pairs = [(p["id"], f"{p['name']} ({p['email']})") for p in people]
    if current is not None and current["id"] not in {p["id"] for p in people}:
        label = f"{current['name']} ({current['email']}, not an active person)"
        pairs.insert(0, (current["id"], label))
    return choices([(0, _("No manager")), *pairs])


@bp.get("/")
@role_required("admin")
def index():
    query, problem = search_text()
    if problem:
        page = {"items": [], "next_cursor": None}
        return render_template("admin/people.html", page=page, query=query, search_error=problem)
    try:
        page = list_users(q=query or None, limit=50, cursor=request.args.get("cursor"))
    except LedgerError as error:
        flash(translated(error.message), "error")
        page = list_users(q=query or None, limit=50)
    return render_template(
        "admin/people.html", page=page, query=query, uninvited=count_never_signed_in()
    )


@bp.route("/new", methods=["GET", "POST"])
@role_required("admin")
def new():
    form = NewPersonForm(kind=request.args.get("kind", "person"))
    form.manager_id.choices = _manager_choices()
    if form.validate_on_submit():
        manager = user_by_id(form.manager_id.data) if form.manager_id.data else None
        try:
            result = create_user(
                form.email.data,
                name=form.name.data,
                department=form.department.data or None,
                manager=manager.email if manager else None,
                role=form.role.data,
                kind=form.kind.data,
                password=form.password.data or None,
                employee_number=form.employee_number.data or None,
                now=clock.utcnow(),
                actor=web_actor(),
            )
        except LedgerError as error:
            show_refusal(form, error)
        else:
            flash(_("Added %(name)s to the directory.", name=result.document["name"]), "success")
            return redirect(url_for(".index", q=result.document["email"]))
    status = 422 if request.method == "POST" else 200
    return render_template("admin/person_form.html", form=form, person=None), status


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@role_required("admin")
def edit(user_id: int):
    user = user_by_id(user_id) if user_id <= MAX_ID else None
    if user is None:
        abort(404)
    person = user_document(user)
    form = PersonEditForm(
        data={
            **person,
            "department": person["department"]["name"] if person["department"] else "",
            "manager_id": person["manager"]["id"] if person["manager"] else 0,
        }
    )
    form.manager_id.choices = _manager_choices(excluding=user_id, current=person["manager"])
    if form.validate_on_submit():
        changes = {name: form[name].data for name in ("name", "email", "role")}
        changes["department"] = form.department.data or None
        changes["manager_id"] = form.manager_id.data or None
        changes["employee_number"] = form.employee_number.data or None
        changes["slack_user_id"] = form.slack_user_id.data or None
        try:
            update_user(user_id, changes, now=clock.utcnow(), actor=web_actor())
        except LedgerError as error:
            show_refusal(form, error)
        else:
            flash(_("Saved %(name)s.", name=form.name.data), "success")
            return redirect(url_for(".edit", user_id=user_id))
    status = 422 if request.method == "POST" else 200
    signed_in = user.signed_in_at is not None
    return render_template(
        "admin/person_form.html", form=form, person=person, signed_in=signed_in,
        sso_linked=user.oidc_subject is not None,
    ), status  # fmt: skip


@bp.post("/<int:user_id>/active")
@role_required("admin")
def set_active(user_id: int):
    activate = request.form.get("active") == "1"
    if not activate and request.form.get("confirm") != "yes":
        # One stray click must not end someone's access: the form asks for a tick first.
        flash(_("Nothing changed: tick “Yes, deactivate” to confirm."), "error")
        return redirect(url_for(".edit", user_id=user_id))
    try:
        if activate:
            update_user(user_id, {"active": True}, now=clock.utcnow(), actor=web_actor())
        else:
            deactivate_user(user_id, now=clock.utcnow(), actor=web_actor())
    except LedgerError as error:
        flash(translated(error.message), "error")
    else:
        flash(
            _("Reactivated.")
            if activate
            else _(
                "Deactivated: their sessions and tokens ended, "
                "their open allowance expired; earned points stay eligible for bonuses."
            ),
            "success",
        )
    return redirect(url_for(".edit", user_id=user_id))


@bp.route("/import", methods=["GET", "POST"])
@large_upload
@role_required("admin")
def hr_import():
    form = ImportForm()
    report, message = None, None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            report = import_file(
                upload.read(),
                content_type=upload.mimetype or upload.filename or "",
                now=clock.utcnow(),
                actor=web_actor(),
                dry_run=form.dry_run.data,
            )
        except ImportRejected as error:
            report, message = error.details.get("report"), translated(error.message)
        except LedgerError as error:
            message = translated(error.message)
    status = 422 if message or form.errors else 200
    return render_template("admin/import.html", form=form, report=report, message=message), status
