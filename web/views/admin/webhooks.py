"""Webhooks for admins: add an endpoint (its secret shown once), watch and retry deliveries."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.validators import DataRequired, Length

from ledger import clock
from ledger.delivery.endpoints import (
    create_webhook,
    delete_webhook,
    list_webhooks,
    retry_delivery,
    webhook_by_id,
    webhook_deliveries,
)
from ledger.errors import LedgerError
from ledger.outbox import EVENT_TYPES
from web.acting import web_actor
from web.guards import role_required
from web.text import TextForm
from web.views.refusals import show_refusal

bp = Blueprint("admin_webhooks", __name__, url_prefix="/admin/webhooks")
SHOWN_DELIVERIES = 50


class WebhookForm(TextForm):
    url = StringField(
        _l("Endpoint URL"),
        validators=[DataRequired(_l("Give the endpoint's URL.")), Length(max=2000)],
    )
    events = SelectMultipleField(
        _l("Events"),
        choices=[SelectChoice(value=name, label=name) for name in EVENT_TYPES],
        default=["award.created"],
        validators=[DataRequired(_l("Choose at least one event."))],
        option_widget=widgets.CheckboxInput(),
        widget=widgets.ListWidget(prefix_label=False),
    )
    description = TextAreaField(_l("Description"), validators=[Length(max=500)])


class ConfirmForm(TextForm):
    """A button with its CSRF token (delete, retry)."""


@bp.route("/", methods=["GET", "POST"])
@role_required("admin")
def index():
    form = WebhookForm()
    created = None
    if form.validate_on_submit():
        try:
            created = create_webhook(
                form.url.data,
                form.events.data,
                description=form.description.data or "",
                now=clock.utcnow(),
                actor=web_actor(),
            )
        except LedgerError as error:
            show_refusal(form, error)
    status = 422 if request.method == "POST" and created is None else 200
    page = render_template("admin/webhooks.html", hooks=list_webhooks(), form=form, created=created)
    return page, status


@bp.get("/<int:webhook_id>")
@role_required("admin")
def show(webhook_id: int):
    hook = webhook_by_id(webhook_id)
    found = webhook_deliveries(webhook_id, limit=SHOWN_DELIVERIES)
    return render_template("admin/webhook.html", hook=hook, deliveries=found, form=ConfirmForm())


@bp.post("/<int:webhook_id>/delete")
@role_required("admin")
def delete(webhook_id: int):
    delete_webhook(webhook_id, now=clock.utcnow(), actor=web_actor())
    flash(_("Deleted webhook %(id)s; nothing more is sent to it.", id=webhook_id), "success")
    return redirect(url_for(".index"))


@bp.post("/<int:webhook_id>/deliveries/<int:delivery_id>/retry")
@role_required("admin")
def retry(webhook_id: int, delivery_id: int):
    retry_delivery(webhook_id, delivery_id, now=clock.utcnow(), actor=web_actor())
    flash(_("Delivery %(id)s will be sent again in a moment.", id=delivery_id), "success")
    return redirect(url_for(".show", webhook_id=webhook_id))
