"""Directory schemas: people, departments, `/me` and the HR import (input and output apart)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from api.schemas import (
    MAX_EMAIL,
    ChangeSchema,
    Id,
    ListQuerySchema,
    QueryId,
    StrictSchema,
    UserRefSchema,
)
from api.schemas.balances import BalancesSchema
from ledger.chat.links import SLACK_USER_ID

ROLES = ["employee", "manager", "admin"]
KINDS = ["person", "bot", "service"]


def Text(maximum: int, **kwargs) -> fields.String:
    return fields.String(validate=validate.Length(1, maximum), **kwargs)


class DepartmentRefSchema(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class UserSchema(ma.Schema):
    id = fields.Integer(required=True)
    email = fields.String(required=True)
    name = fields.String(required=True)
    employee_number = fields.String(required=True, allow_none=True)
    department = fields.Nested(DepartmentRefSchema, required=True, allow_none=True)
    manager = fields.Nested(UserRefSchema, required=True, allow_none=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    active = fields.Boolean(required=True)
    slack_user_id = fields.String(
        required=True, allow_none=True, metadata={"description": "Linked Slack member id."}
    )


class UserListSchema(ma.Schema):
    items = fields.List(fields.Nested(UserSchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


class UserQuerySchema(ListQuerySchema):
    q = Text(200, metadata={"description": "Part of a name or an email, any case."})
    department = QueryId(metadata={"description": "A department id."})
    manager_id = QueryId(metadata={"description": "Only this manager's direct reports."})
    active = fields.Boolean(metadata={"description": "true or false; both when absent."})


class UserCreateSchema(StrictSchema):
    email = fields.String(required=True, validate=validate.Length(3, MAX_EMAIL))
    name = Text(200, required=True)
    department = Text(120, allow_none=True, metadata={"description": "Created if new."})
    manager_id = Id(allow_none=True)
    role = fields.String(load_default="employee", validate=validate.OneOf(ROLES))
    kind = fields.String(load_default="person", validate=validate.OneOf(KINDS))
    employee_number = Text(64, allow_none=True)


class UserUpdateSchema(ChangeSchema):
    email = fields.String(validate=validate.Length(3, MAX_EMAIL))
    name = Text(200)
    department = Text(120, allow_none=True, metadata={"description": "null clears it."})
    manager_id = Id(allow_none=True, metadata={"description": "null clears it."})
    role = fields.String(validate=validate.OneOf(ROLES))
    employee_number = Text(64, allow_none=True)
    active = fields.Boolean(
        metadata={"description": "false deactivates: sessions and tokens end at once."}
    )
    slack_user_id = fields.String(
        allow_none=True,
        validate=validate.Regexp(SLACK_USER_ID.pattern),
        metadata={"description": "The person's Slack member id (U0123ABCD); null unlinks."},
    )


class MeSchema(ma.Schema):
    user = fields.Nested(UserSchema, required=True)
    balances = fields.Nested(BalancesSchema, required=True)


class DepartmentSchema(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    head_count = fields.Integer(required=True, metadata={"description": "Active people."})


class DepartmentListSchema(ma.Schema):
    items = fields.List(fields.Nested(DepartmentSchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


class ImportRowSchema(StrictSchema):
    email = fields.String(required=True, validate=validate.Length(1, MAX_EMAIL))
    name = Text(200, required=True)
    department = fields.String(allow_none=True, validate=validate.Length(0, 120))
    manager_email = fields.String(allow_none=True, validate=validate.Length(0, MAX_EMAIL))
    role = fields.String(allow_none=True, validate=validate.OneOf([*ROLES, ""]))
    employee_number = fields.String(allow_none=True, validate=validate.Length(0, 64))
    active = fields.Boolean(allow_none=True)
    slack_user_id = fields.String(allow_none=True, validate=validate.Length(0, 32))


class ImportBodySchema(StrictSchema):
    rows = fields.List(
        fields.Nested(ImportRowSchema), required=True, validate=validate.Length(1, 100_000)
    )


class ImportQuerySchema(StrictSchema):
    dry_run = fields.Boolean(
        load_default=False, metadata={"description": "Check and report; write nothing."}
    )


class ImportResultRowSchema(ma.Schema):
    row = fields.Integer(required=True, metadata={"description": "CSV line, or JSON index from 1."})
    email = fields.String(required=True, allow_none=True)
    status = fields.String(
        required=True, validate=validate.OneOf(["created", "updated", "unchanged", "error"])
    )
    changes = fields.List(fields.String())
    reason = fields.String()


class ImportCountsSchema(ma.Schema):
    created = fields.Integer(required=True)
    updated = fields.Integer(required=True)
    unchanged = fields.Integer(required=True)
    error = fields.Integer(required=True)


class ImportReportSchema(ma.Schema):
    ok = fields.Boolean(required=True)
    dry_run = fields.Boolean(required=True)
    counts = fields.Nested(ImportCountsSchema, required=True)
    rows = fields.List(fields.Nested(ImportResultRowSchema), required=True)
