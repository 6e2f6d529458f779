"""Participation and budget: the query it takes and the document it answers."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from api.schemas import StrictSchema, UserRefSchema, UtcDateTime
from api.schemas.balances import PERIOD_PATTERN
from api.schemas.leaderboard import SCOPE_PATTERN
from api.schemas.people import DepartmentRefSchema

GROUPS = ["teams", "departments", "trend"]


class ParticipationQuerySchema(StrictSchema):
    period = fields.String(
        validate=validate.Regexp(PERIOD_PATTERN),
        metadata={"description": "YYYY-MM or YYYY-Qn (default: the current period); the "
                  "trend ends with it."},
    )  # fmt: skip
    scope = fields.String(
        validate=validate.Regexp(SCOPE_PATTERN),
        metadata={"description": "team:<manager id>, department:<id> or company, within your "
                  "reach (404 otherwise). Default: your whole reach."},
    )  # fmt: skip
    format = fields.String(
        validate=validate.OneOf(["json", "csv"]),
        metadata={"description": "`csv` answers the rows as CSV (like Accept: text/csv)."},
    )
    group = fields.String(
        load_default="teams",
        validate=validate.OneOf(GROUPS),
        metadata={"description": "Which rows the CSV holds: teams, departments or trend."},
    )


class AllowanceSchema(ma.Schema):
    granted = fields.Integer(required=True, metadata={"description": "Grants and top-ups."})
    spent = fields.Integer(
        required=True, metadata={"description": "Given in awards, less awards reversed."}
    )
    expired = fields.Integer(required=True, metadata={"description": "Left at the close."})
    left = fields.Integer(required=True, metadata={"description": "Still open to give."})


class FiguresSchema(ma.Schema):
    people = fields.Integer(required=True, metadata={"description": "Active people in scope."})
    gave = fields.Integer(required=True, metadata={"description": "People who gave."})
    received = fields.Integer(required=True, metadata={"description": "People who received."})
    gave_share = fields.Float(required=True, metadata={"description": "0 to 1."})
    received_share = fields.Float(required=True, metadata={"description": "0 to 1."})
    allowance = fields.Nested(AllowanceSchema, required=True)


class TeamFiguresSchema(FiguresSchema):
    manager = fields.Nested(
        UserRefSchema, required=True, allow_none=True,
        metadata={"description": "The team is this manager's direct reports in scope."},
    )  # fmt: skip


class DepartmentFiguresSchema(FiguresSchema):
    department = fields.Nested(DepartmentRefSchema, required=True, allow_none=True)


class TrendFiguresSchema(FiguresSchema):
    period = fields.String(required=True)


class ParticipationSchema(ma.Schema):
    scope = fields.String(required=True)
    period = fields.String(required=True)
    since = UtcDateTime(required=True)
    until = UtcDateTime(required=True, metadata={"description": "Exclusive."})
    total = fields.Nested(FiguresSchema, required=True)
    teams = fields.List(fields.Nested(TeamFiguresSchema), required=True)
    departments = fields.List(fields.Nested(DepartmentFiguresSchema), required=True)
    trend = fields.List(
        fields.Nested(TrendFiguresSchema), required=True,
        metadata={"description": "The whole scope over the last 6 periods, oldest first."},
    )  # fmt: skip
