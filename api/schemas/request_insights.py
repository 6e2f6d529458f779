"""The requests insight's document: lead time, on-time delivery, hand-offs, waiting, points."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from api.schemas import UserRefSchema, UtcDateTime
from api.schemas.insights import InsightQuerySchema


class RequestInsightQuerySchema(InsightQuerySchema):
    class Meta:
        exclude = ("format",)  # JSON only


class LeadTimeSchema(ma.Schema):
    user = fields.Nested(UserRefSchema, metadata={"description": "Per customer."})
    department = fields.String(metadata={"description": "Per customer's department."})
    requests = fields.Integer(required=True)
    average_lead_time_seconds = fields.Integer(required=True)
    shortest_lead_time_seconds = fields.Integer(required=True)
    under_a_day = fields.Integer(
        required=True, metadata={"description": "Requests asked with less than a day's notice."}
    )


class OnTimeSchema(ma.Schema):
    user = fields.Nested(UserRefSchema, required=True)
    delivered = fields.Integer(required=True)
    on_time = fields.Integer(required=True)
    on_time_percent = fields.Integer(required=True)


class HandoffCountSchema(ma.Schema):
    handoffs = fields.Integer(required=True)
    requests = fields.Integer(required=True)


class HandoffsSchema(ma.Schema):
    average = fields.Float(required=True)
    most = fields.Integer(required=True)
    requests_by_handoffs = fields.List(fields.Nested(HandoffCountSchema), required=True)


class WaitingSchema(ma.Schema):
    state = fields.String(required=True)
    waits = fields.Integer(required=True)
    average_seconds = fields.Integer(required=True)
    longest_seconds = fields.Integer(required=True)


class RequestPointsSchema(ma.Schema):
    requests_met = fields.Integer(required=True)
    proactive = fields.Integer(required=True)
    other = fields.Integer(required=True)


class RequestInsightSchema(ma.Schema):
    scope = fields.String(required=True)
    since = UtcDateTime(required=True)
    until = UtcDateTime(required=True)
    requests = fields.Integer(required=True)
    lead_time_by_customer = fields.List(fields.Nested(LeadTimeSchema), required=True)
    lead_time_by_department = fields.List(fields.Nested(LeadTimeSchema), required=True)
    on_time_by_provider = fields.List(fields.Nested(OnTimeSchema), required=True)
    handoffs = fields.Nested(HandoffsSchema, required=True)
    waiting_by_state = fields.List(fields.Nested(WaitingSchema), required=True)
    points = fields.Nested(RequestPointsSchema, required=True)
