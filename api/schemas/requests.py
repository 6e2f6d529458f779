"""Service-request schemas: asking, each step of the relay, the request, the list filters."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from api.schemas import (
    SERVICE_KIND,
    DateOrDateTime,
    Id,
    ListQuerySchema,
    QueryId,
    StrictSchema,
    UserRefField,
    UserRefSchema,
    UtcDateTime,
)
from api.schemas.people import DepartmentRefSchema
from api.schemas.text import Text
from ledger.models import REQUEST_EVENT_KINDS
from ledger.request_rules import MAX_NEED, MAX_NOTE, MIN_NEED, STATES
from ledger.rules import MAX_MESSAGE, MAX_POINTS_PER_RECIPIENT, MIN_MESSAGE


class RequestCreateSchema(StrictSchema):
    need = Text(
        MAX_NEED,
        minimum=MIN_NEED,
        multiline=True,
        min_visible=MIN_NEED,
        required=True,
        metadata={"description": f"What you need ({MIN_NEED} to {MAX_NEED} characters)."},
    )
    provider = UserRefField(
        metadata={"description": "The person asked, by id or email (or send `department`)."}
    )
    department = Id(metadata={"description": "The department whose queue is asked."})
    due_at = DateOrDateTime(
        required=True,
        metadata={"description": "By when: a date means the end of that day (BATON_TIMEZONE)."},
    )

    @ma.validates_schema
    def _one_target(self, data, **kwargs):
        if ("provider" in data) == ("department" in data):
            raise ma.ValidationError("Send either `provider` or `department`.", "_schema")


def _note(required: bool, description: str) -> fields.String:
    return Text(
        MAX_NOTE,
        minimum=1 if required else 0,
        multiline=True,
        required=required,
        metadata={"description": description},
    )


class StepSchema(StrictSchema):
    """An optional note with a step (accept, deliver)."""

    note = _note(False, "A note for the relay (optional).")


class HandoffSchema(StrictSchema):
    to = UserRefField(required=True, metadata={"description": "The next provider."})
    note = _note(True, "What is done, what is left, where things are.")


class ReasonSchema(StrictSchema):
    """Withdrawing or declining says why."""

    note = _note(True, "The reason.")


class CloseAwardSchema(StrictSchema):
    points = fields.Integer(
        strict=True,
        required=True,
        validate=validate.Range(1, MAX_POINTS_PER_RECIPIENT),
        metadata={"description": "Points to each provider in the chain, from your allowance."},
    )
    message = Text(
        MAX_MESSAGE,
        minimum=MIN_MESSAGE,
        multiline=True,
        min_visible=MIN_MESSAGE,
        required=True,
        metadata={"description": f"How they served you ({MIN_MESSAGE} to {MAX_MESSAGE} chars)."},
    )
    service_kind = fields.String(
        required=True,
        validate=SERVICE_KIND,
        metadata={"description": "A code from /service-kinds."},
    )


class CloseSchema(StrictSchema):
    note = _note(False, "A word of thanks or what is still missing (optional).")
    award = fields.Nested(
        CloseAwardSchema,
        metadata={
            "description": "Award everyone in the chain in the same step, under the award rules; "
            "a refused award leaves the request delivered."
        },
    )


class RequestEventSchema(ma.Schema):
    seq = fields.Integer(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(REQUEST_EVENT_KINDS))
    at = UtcDateTime(required=True)
    actor = fields.Nested(UserRefSchema, required=True)
    holder = fields.Nested(
        UserRefSchema,
        required=True,
        allow_none=True,
        metadata={"description": "The provider holding the request after this step."},
    )
    note = fields.String(required=True)


class RequestSchema(ma.Schema):
    id = fields.Integer(required=True)
    need = fields.String(required=True)
    customer = fields.Nested(UserRefSchema, required=True)
    provider = fields.Nested(UserRefSchema, required=True, allow_none=True)
    department = fields.Nested(DepartmentRefSchema, required=True, allow_none=True)
    state = fields.String(required=True, validate=validate.OneOf(STATES))
    holder = fields.Nested(UserRefSchema, required=True, allow_none=True)
    asked_at = UtcDateTime(required=True)
    due_at = UtcDateTime(required=True)
    lead_time_seconds = fields.Integer(
        required=True, metadata={"description": "The notice given: due_at minus asked_at."}
    )
    delivered_at = UtcDateTime(required=True, allow_none=True)
    on_time = fields.Boolean(
        required=True, allow_none=True, metadata={"description": "null until delivered."}
    )
    overdue = fields.Boolean(required=True)
    chain = fields.List(
        fields.Nested(UserRefSchema),
        required=True,
        metadata={"description": "The providers in hand-off order."},
    )
    events = fields.List(fields.Nested(RequestEventSchema), required=True)
    award_id = fields.Integer(required=True, allow_none=True)


class RequestListSchema(ma.Schema):
    items = fields.List(fields.Nested(RequestSchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


class RequestQuerySchema(ListQuerySchema):
    role = fields.String(
        data_key="as",
        validate=validate.OneOf(["customer", "provider"]),
        metadata={"description": "Only your own requests: as their customer or a provider."},
    )
    department = QueryId(metadata={"description": "Requests queued to this department id."})
    state = fields.String(validate=validate.OneOf(STATES))
    overdue = fields.Boolean(metadata={"description": "Past due and not yet delivered."})


REQUEST_ID = {"request_id": "$response.body#/id"}
REQUEST_LINKS = {
    name: {"operationId": operation, "parameters": REQUEST_ID}
    for name, operation in [
        ("GetRequest", "getRequest"),
        ("AcceptRequest", "acceptRequest"),
        ("HandOffRequest", "handOffRequest"),
        ("DeliverRequest", "deliverRequest"),
        ("CloseRequest", "closeRequest"),
        ("WithdrawRequest", "withdrawRequest"),
        ("DeclineRequest", "declineRequest"),
    ]
}
REQUEST_EXAMPLE = {
    "need": "Two more test laptops for the Friday release rehearsal.",
    "department": 3,
    "due_at": "2026-11-20",
}
