"""Webhook schemas: the endpoint in and out, its one-time secret, and its deliveries."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from api.schemas import ListQuerySchema, StrictSchema, UtcDateTime
from ledger.outbox import EVENT_TYPES

STATUSES = ["pending", "delivered", "failed"]


class WebhookCreateSchema(StrictSchema):
    url = fields.String(
        required=True,
        validate=validate.Length(1, 2000),
        metadata={"description": "https:// (http:// only in development); no inside addresses."},
    )
    events = fields.List(
        fields.String(validate=validate.OneOf(EVENT_TYPES)),
        required=True,
        validate=validate.Length(1, len(EVENT_TYPES)),
        metadata={"description": "The event types to receive."},
    )
    description = fields.String(load_default="", validate=validate.Length(0, 500))


class WebhookSchema(ma.Schema):
    id = fields.Integer(required=True)
    url = fields.String(required=True)
    description = fields.String(required=True)
    events = fields.List(fields.String(validate=validate.OneOf(EVENT_TYPES)), required=True)
    active = fields.Boolean(
        required=True, metadata={"description": "False once disabled after a day of failures."}
    )
    created_at = UtcDateTime(required=True)
    disabled_at = UtcDateTime(required=True, allow_none=True)
    disabled_reason = fields.String(required=True, allow_none=True)


class WebhookCreatedSchema(WebhookSchema):
    secret = fields.String(
        required=True,
        metadata={"description": "`whsec_` + base64: the signing secret, shown this once only."},
    )


class WebhookListSchema(ma.Schema):
    items = fields.List(fields.Nested(WebhookSchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


class DeliverySchema(ma.Schema):
    id = fields.Integer(required=True)
    event_id = fields.String(
        required=True, metadata={"description": "The `webhook-id` header: dedupe on it."}
    )
    event_type = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    attempts = fields.Integer(required=True)
    last_status_code = fields.Integer(required=True, allow_none=True)
    last_error = fields.String(required=True, allow_none=True)
    last_response = fields.String(
        required=True, allow_none=True, metadata={"description": "At most 1 KB of the answer."}
    )
    next_attempt_at = UtcDateTime(required=True, allow_none=True)
    last_attempt_at = UtcDateTime(required=True, allow_none=True)
    delivered_at = UtcDateTime(required=True, allow_none=True)
    created_at = UtcDateTime(required=True)


class DeliveryListSchema(ma.Schema):
    items = fields.List(fields.Nested(DeliverySchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


class DeliveryQuerySchema(ListQuerySchema):
    pass
