"""Audit trail schemas: the filters and one event."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from api.schemas import CsvListQuerySchema, DateOrDateTime, QueryId, UserRefSchema, UtcDateTime

ACTION = validate.Regexp(r"^[a-z][a-z0-9_.]{0,63}$")


class AuditQuerySchema(CsvListQuerySchema):
    person = QueryId(
        metadata={"description": "Events this user id did, did on someone's behalf, or is about."}
    )
    action = fields.String(
        validate=ACTION, metadata={"description": "One action, e.g. `sign_in_failed`."}
    )
    since = DateOrDateTime(metadata={"description": "Inclusive lower bound."})
    until = DateOrDateTime(
        metadata={"description": "A date includes that day; a datetime is exclusive."}
    )


class AuditEventSchema(ma.Schema):
    id = fields.Integer(required=True)
    created_at = UtcDateTime(required=True)
    action = fields.String(required=True)
    outcome = fields.String(required=True, metadata={"description": "`ok` or a refusal code."})
    actor = fields.Nested(UserRefSchema, required=True, allow_none=True)
    on_behalf_of = fields.Nested(UserRefSchema, required=True, allow_none=True)
    token_id = fields.Integer(required=True, allow_none=True)
    object_type = fields.String(required=True, allow_none=True)
    object_id = fields.String(required=True, allow_none=True)
    details = fields.Dict(required=True)
    operation_id = fields.Integer(required=True, allow_none=True)
    request_id = fields.String(required=True, allow_none=True)
    idempotency_key = fields.String(required=True, allow_none=True)
    client_address = fields.String(required=True, allow_none=True)


class AuditListSchema(ma.Schema):
    items = fields.List(fields.Nested(AuditEventSchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)
