"""Award schemas: the award request, the award, the feed filters and the reversal."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from api.schemas import (
    SERVICE_KIND,
    CsvListQuerySchema,
    DateOrDateTime,
    QueryId,
    StrictSchema,
    UserRefField,
    UserRefSchema,
    UtcDateTime,
)
from api.schemas.text import Text
from ledger.rules import (
    DIRECTIONS,
    MAX_MESSAGE,
    MAX_POINTS_PER_RECIPIENT,
    MAX_RECIPIENTS,
    MIN_MESSAGE,
    MIN_RECIPIENTS,
)

KIND = SERVICE_KIND


class AwardCreateSchema(StrictSchema):
    recipients = fields.List(
        UserRefField(),
        required=True,
        validate=validate.Length(MIN_RECIPIENTS, MAX_RECIPIENTS),
        metadata={
            "description": f"{MIN_RECIPIENTS} to {MAX_RECIPIENTS} people, "
            "each by id or email, each once."
        },
    )
    points = fields.Integer(
        strict=True,
        required=True,
        validate=validate.Range(1, MAX_POINTS_PER_RECIPIENT),
        metadata={
            "description": "Points to each recipient, at most the period's maximum (which an "
            f"admin sets, up to {MAX_POINTS_PER_RECIPIENT})."
        },
    )
    message = Text(
        MAX_MESSAGE,
        minimum=MIN_MESSAGE,
        multiline=True,
        min_visible=MIN_MESSAGE,
        required=True,
        metadata={
            "description": f"How they served you ({MIN_MESSAGE} to {MAX_MESSAGE} characters, "
            f"at least {MIN_MESSAGE} of them visible; line breaks allowed)."
        },
    )
    service_kind = fields.String(
        required=True, validate=KIND, metadata={"description": "A code from /service-kinds."}
    )
    on_behalf_of = UserRefField(
        metadata={"description": "The giver, by id or email; needs the on-behalf scope."}
    )


class AwardLineSchema(ma.Schema):
    recipient = fields.Nested(UserRefSchema, required=True)
    points = fields.Integer(required=True)
    direction = fields.String(required=True, validate=validate.OneOf(DIRECTIONS))
    cross_department = fields.Boolean(required=True)


class AddOnSchema(ma.Schema):
    id = fields.Integer(required=True, metadata={"description": "The add-on's own award id."})
    giver = fields.Nested(UserRefSchema, required=True)
    points = fields.Integer(required=True, metadata={"description": "Points to each recipient."})
    points_total = fields.Integer(required=True)
    message = fields.String(required=True, metadata={"description": "Empty when none was given."})
    created_at = UtcDateTime(required=True)
    reversed = fields.Boolean(required=True)


class AwardSchema(ma.Schema):
    id = fields.Integer(required=True)
    giver = fields.Nested(UserRefSchema, required=True)
    lines = fields.List(fields.Nested(AwardLineSchema), required=True)
    points_total = fields.Integer(required=True)
    message = fields.String(required=True)
    service_kind = fields.String(required=True)
    period = fields.String(required=True, metadata={"description": "YYYY-MM or YYYY-Qn."})
    created_at = UtcDateTime(required=True)
    reversed = fields.Boolean(required=True)
    reversal_reason = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "Why the award was reversed (null while it stands)."},
    )
    via = fields.Nested(
        UserRefSchema,
        required=True,
        allow_none=True,
        metadata={
            "description": "The service account (a chat bot, an integration) that gave the "
            "award on the giver's behalf; null when the giver gave it themselves."
        },
    )
    add_on_to = fields.Integer(
        required=True,
        allow_none=True,
        metadata={"description": "The award this one adds to, if it is an add-on."},
    )
    add_ons = fields.List(
        fields.Nested(AddOnSchema),
        required=True,
        metadata={"description": "What others added to this award, oldest first."},
    )
    points_with_add_ons = fields.Integer(
        required=True,
        metadata={"description": "points_total plus the add-ons that are not reversed."},
    )


class AwardListSchema(ma.Schema):
    items = fields.List(fields.Nested(AwardSchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


class AwardQuerySchema(CsvListQuerySchema):
    giver = QueryId(metadata={"description": "Awards given by this user id."})
    recipient = QueryId(metadata={"description": "Awards with a line to this user id."})
    user = QueryId(metadata={"description": "Awards this user id gave or received."})
    department = QueryId(metadata={"description": "Awards touching this department id."})
    service_kind = fields.String(validate=KIND)
    direction = fields.String(validate=validate.OneOf(DIRECTIONS))
    since = DateOrDateTime(metadata={"description": "Inclusive lower bound."})
    until = DateOrDateTime(
        metadata={"description": "A date includes that day; a datetime is exclusive."}
    )


class ReversalCreateSchema(StrictSchema):
    reason = Text(1000, multiline=True, required=True)
    clawback = fields.Boolean(
        load_default=False,
        metadata={"description": "Record a clawback instead when lines are already paid."},
    )


class AddOnCreateSchema(StrictSchema):
    points = fields.Integer(
        strict=True,
        required=True,
        validate=validate.Range(1, MAX_POINTS_PER_RECIPIENT),
        metadata={
            "description": "Points to each of the award's recipients, paid from your allowance; "
            "at most the period's maximum."
        },
    )
    message = Text(
        MAX_MESSAGE,
        minimum=0,
        multiline=True,
        load_default="",
        metadata={"description": f'Optional, up to {MAX_MESSAGE} characters ("Me too!").'},
    )


class ReversalSchema(ma.Schema):
    award_id = fields.Integer(required=True)
    reversal_id = fields.Integer(required=True)
    reason = fields.String(required=True)
    clawback = fields.Boolean(required=True)
    points_returned = fields.Integer(required=True)
    clawback_points = fields.Integer(
        metadata={"description": "Points of already converted lines recorded as a clawback."}
    )
    returned_to = fields.String(required=True, validate=validate.OneOf(["allowance", "expired"]))
