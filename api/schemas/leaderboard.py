"""Leaderboard schemas."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from api.schemas import CsvListQuerySchema, DateOrDateTime, UserRefSchema, UtcDateTime
from api.schemas.awards import KIND
from api.schemas.balances import PERIOD_PATTERN
from ledger.rules import DIRECTIONS

SCOPE_PATTERN = r"^(company|department(:[0-9]{1,10})?|team(:[0-9]{1,10})?)$"


class RankingWindowQuerySchema(CsvListQuerySchema):
    """The window every ranking takes: a period key, or since/until."""

    period = fields.String(
        validate=validate.Regexp(PERIOD_PATTERN),
        metadata={"description": "YYYY-MM or YYYY-Qn; or give since/until (default: now)."},
    )
    since = DateOrDateTime(metadata={"description": "Inclusive lower bound."})
    until = DateOrDateTime(
        metadata={"description": "A date includes that day; a datetime is exclusive."}
    )


class LeaderboardQuerySchema(RankingWindowQuerySchema):
    scope = fields.String(
        load_default="company",
        validate=validate.Regexp(SCOPE_PATTERN),
        metadata={
            "description": "company, department[:<id>] (another department than your own "
            "only when your reach covers all its people, else 404), team (your manager's "
            "reports) or team:<manager id> (a subtree; needs manage, and reach else 404)."
        },
    )
    metric = fields.String(
        load_default="points", validate=validate.OneOf(["points", "awards", "customers"])
    )
    direction = fields.String(validate=validate.OneOf(DIRECTIONS))
    by_direction = fields.Boolean(
        metadata={
            "description": "Each row's points by direction (up, down, lateral). Shown by "
            "default when allowed: it needs the manage scope and a reach that covers everyone "
            "in the scope. `true` insists (403 `scope_missing` without manage, 404 `not_found` "
            "beyond your reach); `false` leaves it out."
        }
    )
    service_kind = fields.String(validate=KIND)


class ByDirectionSchema(ma.Schema):
    up = fields.Integer(required=True)
    down = fields.Integer(required=True)
    lateral = fields.Integer(required=True)


class LeaderboardRowSchema(ma.Schema):
    rank = fields.Integer(
        required=True,
        metadata={
            "description": 'Competition ranking ("1224"): people equal on the ranked metric '
            "share a rank; the other metrics, then the name, only order them within it."
        },
    )
    user = fields.Nested(UserRefSchema, required=True)
    points = fields.Integer(required=True)
    awards = fields.Integer(required=True)
    customers = fields.Integer(
        required=True, metadata={"description": "Distinct people who gave them points."}
    )
    by_direction = fields.Nested(
        ByDirectionSchema,
        metadata={"description": "Only with the manage scope, for a scope within your reach."},
    )


class LeaderboardSchema(ma.Schema):
    items = fields.List(fields.Nested(LeaderboardRowSchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)
    since = UtcDateTime(required=True)
    until = UtcDateTime(required=True, metadata={"description": "Exclusive."})
