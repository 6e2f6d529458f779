"""Webhooks (admins): endpoints that receive signed events, and their deliveries."""

from __future__ import annotations

from flask import url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from api.auth import principal, requires
from api.pagination import decode_cursor, encode_cursor
from api.results import documents_errors
from api.schemas import ID_PATH
from api.schemas.webhooks import (
    DeliveryListSchema,
    DeliveryQuerySchema,
    DeliverySchema,
    WebhookCreatedSchema,
    WebhookCreateSchema,
    WebhookListSchema,
    WebhookSchema,
)
from ledger.clock import utcnow
from ledger.delivery.endpoints import (
    create_webhook,
    delete_webhook,
    list_webhooks,
    retry_delivery,
    webhook_by_id,
    webhook_deliveries,
)

bp = Blueprint(
    "Webhooks",
    __name__,
    description="Signed event deliveries (Standard Webhooks); at least once: dedupe on "
    "`webhook-id`.",
)
HOOK = f"/webhooks/<{ID_PATH}:webhook_id>"


@bp.route("/webhooks")
class Webhooks(MethodView):
    @requires("admin")
    @bp.response(200, WebhookListSchema)
    @bp.doc(operationId="listWebhooks")
    @documents_errors(bp, 401, 403)
    def get(self):
        """List the webhook endpoints (admins); secrets are never shown again."""
        return {"items": list_webhooks(), "next_cursor": None}

    @requires("admin")
    @bp.arguments(WebhookCreateSchema)
    @bp.response(201, WebhookCreatedSchema)
    @bp.doc(operationId="createWebhook")
    @documents_errors(bp, 401, 403, 413, 422, 503)
    def post(self, body):
        """Add an endpoint (admins); the answer holds its signing secret, shown this once."""
        created = create_webhook(
            body["url"],
            body["events"],
            description=body["description"],
            now=utcnow(),
            actor=principal().actor(),
        )
        return created, {"Location": url_for("Webhooks.Webhook", webhook_id=created["id"])}


@bp.route(HOOK)
class Webhook(MethodView):
    @requires("admin")
    @bp.response(200, WebhookSchema)
    @bp.doc(operationId="getWebhook")
    @documents_errors(bp, 401, 403, 404)
    def get(self, webhook_id):
        """Read one endpoint."""
        return webhook_by_id(webhook_id)

    @requires("admin")
    @bp.response(204)
    @bp.doc(operationId="deleteWebhook")
    @documents_errors(bp, 401, 403, 404, 503)
    def delete(self, webhook_id):
        """Delete an endpoint: nothing more is sent to it; its pending deliveries fail."""
        delete_webhook(webhook_id, now=utcnow(), actor=principal().actor())


@bp.route(f"{HOOK}/deliveries")
class Deliveries(MethodView):
    @requires("admin")
    @bp.arguments(DeliveryQuerySchema, location="query")
    @bp.response(200, DeliveryListSchema)
    @bp.doc(operationId="listWebhookDeliveries")
    @documents_errors(bp, 401, 403, 404, 422)
    def get(self, args, webhook_id):
        """List an endpoint's deliveries, newest first: status, attempts, last answer."""
        position = decode_cursor(args.get("cursor"), i=int)
        items = webhook_deliveries(
            webhook_id,
            limit=args["limit"] + 1,
            before_id=position["i"] if position else None,
        )
        more = len(items) > args["limit"]
        items = items[: args["limit"]]
        next_cursor = encode_cursor({"i": items[-1]["id"]}) if more else None
        return {"items": items, "next_cursor": next_cursor}


@bp.route(f"{HOOK}/deliveries/<{ID_PATH}:delivery_id>/retry")
class DeliveryRetry(MethodView):
    @requires("admin")
    @bp.response(202, DeliverySchema)
    @bp.doc(operationId="retryWebhookDelivery")
    @documents_errors(bp, 401, 403, 404, 503)
    def post(self, webhook_id, delivery_id):
        """Send a delivery again soon (same `webhook-id`); a disabled endpoint is re-enabled."""
        return retry_delivery(webhook_id, delivery_id, now=utcnow(), actor=principal().actor())
