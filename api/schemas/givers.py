"""The givers' leaderboard: its query and rows."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from api.schemas import CsvListQuerySchema, DateOrDateTime, UserRefSchema, UtcDateTime
from api.schemas.balances import PERIOD_PATTERN
from api.schemas.leaderboard import SCOPE_PATTERN


class GiversQuerySchema(CsvListQuerySchema):
    period = fields.String(
        validate=validate.Regexp(PERIOD_PATTERN),
        metadata={"description": "YYYY-MM or YYYY-Qn; or give since/until (default: now)."},
    )
    since = DateOrDateTime(metadata={"description": "Inclusive lower bound."})
    until = DateOrDateTime(
        metadata={"description": "A date includes that day; a datetime is exclusive."}
    )
    scope = fields.String(
        load_default="company",
        validate=validate.Regexp(SCOPE_PATTERN),
        metadata={"description": "Whose giving is ranked, as the leaderboard's scope."},
    )


class GiverRowSchema(ma.Schema):
    rank = fields.Integer(
        required=True, metadata={"description": 'Equal `people` share a rank ("1224").'}
    )
    user = fields.Nested(UserRefSchema, required=True)
    people = fields.Integer(required=True, metadata={"description": "Distinct people thanked."})
    awards = fields.Integer(required=True, metadata={"description": "Awards given."})
    points = fields.Integer(required=True, metadata={"description": "Points given."})


class GiversSchema(ma.Schema):
    items = fields.List(fields.Nested(GiverRowSchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)
    since = UtcDateTime(required=True)
    until = UtcDateTime(required=True, metadata={"description": "Exclusive."})
