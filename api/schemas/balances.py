"""Balance and statement schemas."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from api.schemas import ListQuerySchema, UtcDateTime

PERIOD_PATTERN = r"^(19|[2-8][0-9])[0-9]{2}-(0[1-9]|1[0-2]|Q[1-4])$"


class BalancesSchema(ma.Schema):
    period = fields.String(required=True)
    allowance_total = fields.Integer(required=True)
    allowance_remaining = fields.Integer(required=True)
    earned_unconverted = fields.Integer(required=True)
    earned_lifetime = fields.Integer(required=True)


class EntryQuerySchema(ListQuerySchema):
    account = fields.String(
        load_default="earned",
        validate=validate.OneOf(["earned", "allowance"]),
        metadata={"description": "Which account (default earned)."},
    )
    period = fields.String(
        validate=validate.Regexp(PERIOD_PATTERN),
        metadata={"description": "The allowance's period, YYYY-MM or YYYY-Qn (default: now)."},
    )


class EntrySchema(ma.Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    amount = fields.Integer(required=True, metadata={"description": "Signed: + in, - out."})
    balance = fields.Integer(required=True, metadata={"description": "Running balance."})
    memo = fields.String(allow_none=True, required=True)
    award_line_id = fields.Integer(allow_none=True, required=True)
    created_at = UtcDateTime(required=True)


class EntryListSchema(ma.Schema):
    items = fields.List(fields.Nested(EntrySchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)
