"""The givers' leaderboard: its query and rows."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from api.schemas import UserRefSchema, UtcDateTime
from api.schemas.leaderboard import SCOPE_PATTERN, RankingWindowQuerySchema


class GiversQuerySchema(RankingWindowQuerySchema):
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
