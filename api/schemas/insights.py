"""Insight schemas: the query every insight takes and the documents they answer."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from api.schemas import DateOrDateTime, StrictSchema, UserRefSchema, UtcDateTime
from api.schemas.balances import PERIOD_PATTERN
from api.schemas.leaderboard import SCOPE_PATTERN, ByDirectionSchema
from api.schemas.people import DepartmentRefSchema

GROUPS = ["people", "teams", "departments"]


class InsightQuerySchema(StrictSchema):
    period = fields.String(
        validate=validate.Regexp(PERIOD_PATTERN),
        metadata={"description": "YYYY-MM or YYYY-Qn; or since/until (default: the last 3)."},
    )
    since = DateOrDateTime(metadata={"description": "Inclusive lower bound."})
    until = DateOrDateTime(
        metadata={"description": "A date includes that day; a datetime is exclusive."}
    )
    scope = fields.String(
        validate=validate.Regexp(SCOPE_PATTERN),
        metadata={
            "description": "team:<manager id>, department:<id> or company, within your reach "
            "(404 otherwise). Default: your whole reach (the company for an admin, everyone "
            "under you for a manager)."
        },
    )
    format = fields.String(
        validate=validate.OneOf(["json", "csv"]),
        metadata={"description": "`csv` answers the rows as CSV (like Accept: text/csv)."},
    )


class ServiceMixQuerySchema(InsightQuerySchema):
    group = fields.String(
        load_default="people",
        validate=validate.OneOf(GROUPS),
        metadata={"description": "Which rows the CSV holds: people, teams or departments."},
    )


class CrossDepartmentSchema(ma.Schema):
    points = fields.Integer(required=True)
    awards = fields.Integer(required=True)
    share = fields.Float(required=True, metadata={"description": "Of the points, 0 to 1."})


class MixFiguresSchema(ma.Schema):
    points = fields.Integer(required=True)
    awards = fields.Integer(required=True)
    customers = fields.Integer(
        required=True, metadata={"description": "Distinct people who gave them points."}
    )
    by_direction = fields.Nested(ByDirectionSchema, required=True)
    awards_by_direction = fields.Nested(ByDirectionSchema, required=True)
    cross_department = fields.Nested(CrossDepartmentSchema, required=True)
    by_kind = fields.Dict(
        keys=fields.String(), values=fields.Integer(), required=True,
        metadata={"description": "Points by service kind code."},
    )  # fmt: skip


class MixPersonSchema(MixFiguresSchema):
    user = fields.Nested(UserRefSchema, required=True)
    department = fields.Nested(DepartmentRefSchema, required=True, allow_none=True)
    manager = fields.Nested(UserRefSchema, required=True, allow_none=True)
    notes = fields.List(
        fields.String(validate=validate.OneOf(["only_up", "unseen_by_managers"])),
        required=True,
        metadata={
            "description": "`only_up`: every point came from above them; "
            "`unseen_by_managers`: other departments gave them points, their managers none."
        },
    )


class MixTeamSchema(MixFiguresSchema):
    manager = fields.Nested(
        UserRefSchema, required=True, allow_none=True,
        metadata={"description": "The team is this manager's direct reports."},
    )  # fmt: skip
    people = fields.Integer(required=True, metadata={"description": "Active people in scope."})


class MixDepartmentSchema(MixFiguresSchema):
    department = fields.Nested(DepartmentRefSchema, required=True, allow_none=True)
    people = fields.Integer(required=True, metadata={"description": "Active people in scope."})


class InsightWindowSchema(ma.Schema):
    scope = fields.String(required=True)
    since = UtcDateTime(required=True)
    until = UtcDateTime(required=True, metadata={"description": "Exclusive."})


class ServiceMixSchema(InsightWindowSchema):
    people = fields.List(fields.Nested(MixPersonSchema), required=True)
    teams = fields.List(fields.Nested(MixTeamSchema), required=True)
    departments = fields.List(fields.Nested(MixDepartmentSchema), required=True)


class UnrecognizedQuerySchema(InsightQuerySchema):
    periods = fields.Integer(
        load_default=2,
        validate=validate.Range(1, 24),
        metadata={"description": "Without period/since/until: the last N periods (default 2)."},
    )
    group = fields.String(
        load_default="unrecognized",
        validate=validate.OneOf(["unrecognized", "silent"]),
        metadata={"description": "Which list the CSV holds."},
    )


class QuietPersonSchema(ma.Schema):
    user = fields.Nested(UserRefSchema, required=True)
    department = fields.Nested(DepartmentRefSchema, required=True, allow_none=True)
    manager = fields.Nested(UserRefSchema, required=True, allow_none=True)
    joined_at = UtcDateTime(required=True)


class UnrecognizedPersonSchema(QuietPersonSchema):
    last_recognized_at = UtcDateTime(
        required=True, allow_none=True, metadata={"description": "null: never."}
    )


class SilentPersonSchema(QuietPersonSchema):
    last_given_at = UtcDateTime(
        required=True, allow_none=True, metadata={"description": "null: never."}
    )


class UnrecognizedSchema(InsightWindowSchema):
    people = fields.Integer(required=True, metadata={"description": "Active people in scope."})
    unrecognized = fields.List(
        fields.Nested(UnrecognizedPersonSchema), required=True,
        metadata={"description": "Received nothing in the window; never-recognized first."},
    )  # fmt: skip
    silent = fields.List(
        fields.Nested(SilentPersonSchema), required=True,
        metadata={"description": "Gave nothing in the window; never-givers first."},
    )  # fmt: skip


class ThresholdsSchema(ma.Schema):
    round_trips = fields.Integer(required=True)
    pair_share = fields.Float(required=True)
    ring_awards = fields.Integer(required=True)
    ring_share = fields.Float(required=True)


class PairSchema(ma.Schema):
    people = fields.List(fields.Nested(UserRefSchema), required=True)
    awards = fields.List(
        fields.Integer(), required=True, metadata={"description": "First to second, back."}
    )
    points = fields.List(fields.Integer(), required=True)
    round_trips = fields.Integer(required=True)
    shares = fields.List(
        fields.Float(), required=True,
        metadata={"description": "Of each person's points in the window, from the other."},
    )  # fmt: skip


class RingSchema(ma.Schema):
    people = fields.List(
        fields.Nested(UserRefSchema), required=True,
        metadata={"description": "A→B→C→A: each gave to the next, the last to the first."},
    )  # fmt: skip
    awards = fields.List(fields.Integer(), required=True, metadata={"description": "Per edge."})
    points = fields.List(fields.Integer(), required=True)
    shares = fields.List(
        fields.Float(), required=True,
        metadata={"description": "Of each edge's recipient's points in the window."},
    )  # fmt: skip


class ReciprocitySchema(InsightWindowSchema):
    thresholds = fields.Nested(ThresholdsSchema, required=True)
    pairs = fields.List(fields.Nested(PairSchema), required=True)
    rings = fields.List(fields.Nested(RingSchema), required=True)


class NullableDepartmentSchema(ma.Schema):
    id = fields.Integer(required=True, allow_none=True, metadata={"description": "null: none."})
    name = fields.String(required=True)


class FlowSchema(ma.Schema):
    departments = fields.List(fields.Nested(NullableDepartmentSchema), required=True)
    points = fields.List(
        fields.Integer(), required=True,
        metadata={"description": "Given by the first to the second, and back."},
    )  # fmt: skip
    way = fields.String(required=True, validate=validate.OneOf(["one-way", "two-way"]))


class ServiceMapSchema(InsightWindowSchema):
    departments = fields.List(fields.Nested(NullableDepartmentSchema), required=True)
    points = fields.List(
        fields.List(fields.Integer()), required=True,
        metadata={"description": "points[i][j]: given by people of departments[i] to people "
                  "of departments[j] (j served i)."},
    )  # fmt: skip
    awards = fields.List(fields.List(fields.Integer()), required=True)
    top = fields.Integer(required=True, metadata={"description": "The largest cell."})
    flows = fields.List(fields.Nested(FlowSchema), required=True)
