"""Schemas for the admin ledger operations: top-ups and the reconciliation report."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from api.schemas import StrictSchema, UserRefField, UserRefSchema
from api.schemas.text import Text
from ledger.services.allowances import MAX_REASON


class TopUpCreateSchema(StrictSchema):
    user = UserRefField(required=True, metadata={"description": "The person, by id or email."})
    points = fields.Integer(strict=True, required=True, validate=validate.Range(1, 1_000_000))
    reason = Text(MAX_REASON, multiline=True, required=True)


class TopUpSchema(ma.Schema):
    user = fields.Nested(UserRefSchema, required=True)
    period = fields.String(required=True)
    points = fields.Integer(required=True)
    reason = fields.String(required=True)


class VerifySchema(ma.Schema):
    ok = fields.Boolean(required=True)
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    problems = fields.List(fields.Dict(), required=True)
    warnings = fields.List(fields.Dict(), required=True)
