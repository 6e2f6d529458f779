"""API token pages: create (shown once), list and revoke one's own; admins also for services."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ledger.clock import utcnow
from ledger.errors import LedgerError
from ledger.i18n import translated
from ledger.models import SCOPES
from ledger.tokens import allowed_scopes, create_token, revoke_token, service_accounts, token_list
from web.acting import web_actor
from web.guards import role_required
from web.text import TextForm

bp = Blueprint("tokens", __name__, url_prefix="/tokens")
# What each scope lets a token do, beside its code (the code is what the API names).
SCOPE_NAMES = {
    "read": _l("Read"),
    "award": _l("Give points"),
    "manage": _l("Manage (reports, insights, bonus runs)"),
    "admin": _l("Administer"),
    "on-behalf": _l("Give on someone's behalf"),
}


class TokenForm(TextForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    scopes = SelectMultipleField(
        _l("Scopes"),
        choices=[SelectChoice(scope, scope) for scope in SCOPES],
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        validators=[DataRequired(_l("Choose at least one scope."))],
    )
    expires_days = IntegerField(
        _l("Expires after (days, empty for never)"),
        validators=[Optional(), NumberRange(min=1, max=3650)],
    )


class ServiceTokenForm(TokenForm):
    owner = SelectField(_l("Service account"), coerce=int)


def _own_form() -> TokenForm:
    """A token form offering only the scopes the person's role allows."""
    form = TokenForm()
    allowed = allowed_scopes(current_user)
    form.scopes.choices = [SelectChoice(scope, scope) for scope in SCOPES if scope in allowed]
    form.scopes.validate_choice = False  # the ledger says which scopes the role does not allow
    return form


@bp.get("/")
def index():
    return _render(_own_form(), _service_form())


@bp.post("/")
def create():
    form = _own_form()
    if not form.validate_on_submit():
        return _render(form, _service_form(), 422)
    return _create(current_user.id, form, lambda: _render(form, _service_form(), 422))


@bp.post("/service")
@role_required("admin")
def create_for_service():
    form = _service_form()
    if not form.validate_on_submit():
        return _render(_own_form(), form, 422)
    return _create(form.owner.data, form, lambda: _render(_own_form(), form, 422))


@bp.post("/<int:token_id>/revoke")
def revoke(token_id: int):
    admin = current_user.role == "admin" and request.form.get("service") == "1"
    owner = None if admin else current_user.id
    try:
        revoke_token(token_id, now=utcnow(), actor=web_actor(), owner_id=owner, service_only=admin)
    except LedgerError:
        abort(404)
    flash(_("The token is revoked; requests with it now answer 401."), "info")
    return redirect(url_for("tokens.index"))


def _create(owner_id: int, form: TokenForm, again):
    try:
        raw, result = create_token(
            owner_id,
            name=form.name.data,
            scopes=form.scopes.data,
            expires_days=form.expires_days.data,
            now=utcnow(),
            actor=web_actor(),
            creator_is_admin=current_user.role == "admin",
        )
    except LedgerError as error:
        form.scopes.errors = [translated(error.message)]
        return again()
    return render_template("tokens/created.html", raw=raw, token=result.document), 201


def _render(form: TokenForm, service_form: ServiceTokenForm | None, status: int = 200):
    services = service_accounts() if service_form is not None else []
    ids = [current_user.id, *(person.id for person in services)]
    tokens = token_list(ids)
    return render_template(
        "tokens/index.html",
        form=form,
        service_form=service_form,
        mine=[token for token in tokens if token["owner"]["id"] == current_user.id],
        services=[token for token in tokens if token["owner"]["id"] != current_user.id],
        allowed=sorted(allowed_scopes(current_user)),
        SCOPE_NAMES=SCOPE_NAMES,
    ), status


def _service_form() -> ServiceTokenForm | None:
    if current_user.role != "admin":
        return None
    form = ServiceTokenForm(prefix="service")
    form.owner.choices = [
        SelectChoice(person.id, f"{person.name} ({person.email})") for person in service_accounts()
    ]
    return form
