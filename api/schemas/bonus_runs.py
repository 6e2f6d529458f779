"""Bonus-run schemas: the run request, the run with its lines and totals, payroll rows."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import ValidationError, fields, validate, validates_schema

from api.schemas import DateOrDateTime, ListQuerySchema, StrictSchema, UserRefSchema, UtcDateTime
from ledger.bonus.rules import (
    DEFAULT_CUSTOMERS_K,
    MAX_CAP_CENTS,
    MAX_CENTS_PER_POINT,
    MAX_CUSTOMERS_K,
    MAX_MIN_POINTS,
    MAX_POOL_CENTS,
)

STATUSES = ["draft", "committed", "paid", "voided"]


class RuleSchema(StrictSchema):
    type = fields.String(required=True, validate=validate.OneOf(["rate", "pool"]))
    cents_per_point = fields.Integer(
        strict=True,
        validate=validate.Range(1, MAX_CENTS_PER_POINT),
        metadata={"description": "Rate rule: minor units paid per point."},
    )
    pool_cents = fields.Integer(
        strict=True,
        validate=validate.Range(1, MAX_POOL_CENTS),
        metadata={"description": "Pool rule: the sum (minor units) split in proportion to points."},
    )
    weight_by_customers = fields.Boolean(
        load_default=False,
        metadata={"description": "Weight each person's points by their distinct internal "
                  "customers: effective points = points x min(1, customers / customers_k), so "
                  "ten customers count for more than one generous friend."},
    )  # fmt: skip
    customers_k = fields.Integer(
        strict=True,
        validate=validate.Range(1, MAX_CUSTOMERS_K),
        metadata={"description": f"With weight_by_customers: the customers that count in full "
                  f"(default {DEFAULT_CUSTOMERS_K})."},
    )  # fmt: skip

    @validates_schema
    def k_needs_weighting(self, data, **kwargs):
        if "customers_k" in data and not data.get("weight_by_customers"):
            raise ValidationError("customers_k needs weight_by_customers.", "customers_k")

    @validates_schema
    def one_amount(self, data, **kwargs):
        wanted = "cents_per_point" if data.get("type") == "rate" else "pool_cents"
        other = "pool_cents" if wanted == "cents_per_point" else "cents_per_point"
        if wanted not in data:
            raise ValidationError(f"A {data.get('type')} rule needs {wanted}.", wanted)
        if other in data:
            raise ValidationError(f"A {data.get('type')} rule takes no {other}.", other)


class BonusRunCreateSchema(StrictSchema):
    since = DateOrDateTime(required=True, metadata={"description": "Inclusive start."})
    until = DateOrDateTime(
        required=True,
        metadata={"description": "A date includes that day; a datetime is exclusive."},
    )
    scope = fields.String(
        required=True,
        validate=validate.Regexp(r"^(company|department:\d{1,10}|team:\d{1,10})$"),
        metadata={"description": "`team:<manager id>`, `department:<id>` or `company` (admins)."},
    )
    rule = fields.Nested(RuleSchema, required=True)
    currency = fields.String(
        required=True,
        validate=validate.Regexp(r"^[A-Z]{3}$"),
        metadata={"description": "ISO 4217 code, e.g. EUR."},
    )
    cap_cents = fields.Integer(
        strict=True,
        validate=validate.Range(1, MAX_CAP_CENTS),
        metadata={"description": "Most a person gets (minor units)."},
    )
    min_points = fields.Integer(
        strict=True,
        validate=validate.Range(0, MAX_MIN_POINTS),
        load_default=0,
        metadata={"description": "People with fewer points are left for a later run."},
    )


VERSION = validate.Regexp(r"^[!-~]{1,128}$")


class BonusRunCommitSchema(StrictSchema):
    version = fields.String(
        validate=VERSION,
        metadata={
            "description": "The `version` of the draft you reviewed (or send it as If-Match). "
            "Without one the commit answers 428 `version_required`; a version that no longer "
            "matches answers 409 `draft_stale` with the fresh draft in `details.draft`."
        },
    )


class BonusRunQuerySchema(ListQuerySchema):
    status = fields.String(validate=validate.OneOf(STATUSES))


class RuleOutSchema(ma.Schema):
    type = fields.String(required=True)
    cents_per_point = fields.Integer()
    pool_cents = fields.Integer()
    customers_k = fields.Integer(
        allow_none=True,
        metadata={"description": "Points weighted by min(1, customers / k); null: not weighted."},
    )


class TradingFlagSchema(ma.Schema):
    kind = fields.String(required=True, validate=validate.OneOf(["pair", "ring"]))
    with_ = fields.List(
        fields.Nested(UserRefSchema), required=True, data_key="with", attribute="with",
        metadata={"description": "The others in the pair or ring."},
    )  # fmt: skip


class BonusLineSchema(ma.Schema):
    user = fields.Nested(UserRefSchema, required=True)
    points = fields.Integer(required=True)
    customers = fields.Integer(
        allow_none=True,
        metadata={
            "description": "Distinct people who gave the points (customers rule; else null)."
        },
    )
    effective_points = fields.Float(
        allow_none=True,
        metadata={"description": "Points net of clawback x min(1, customers / k), to two "
                  "decimals; the amount follows them exactly (customers rule; else null)."},
    )  # fmt: skip
    clawback_points = fields.Integer(required=True)
    amount_cents = fields.Integer(required=True)
    amount = fields.String(required=True, metadata={"description": "Major units, e.g. 12.50."})
    capped = fields.Boolean(required=True)
    forfeited_cents = fields.Integer(required=True)
    below_minimum = fields.Boolean(required=True)
    inactive = fields.Boolean(required=True)
    trading = fields.List(
        fields.Nested(TradingFlagSchema),
        metadata={"description": "Reading a run (GET): the pairs who award each other back and "
                  "forth and the rings A→B→C→A this person is part of in the run's window, as "
                  "/insights/reciprocity flags them. Flagged, never blocked."},
    )  # fmt: skip


class TotalsSchema(ma.Schema):
    people = fields.Integer(required=True)
    points = fields.Integer(required=True)
    clawback_points = fields.Integer(required=True)
    amount_cents = fields.Integer(required=True)
    amount = fields.String(required=True)
    forfeited_cents = fields.Integer(required=True)
    undistributed_cents = fields.Integer(required=True)
    all_capped = fields.Boolean(required=True)
    below_minimum = fields.Integer(required=True)


class BonusRunSchema(ma.Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    scope = fields.String(required=True)
    since = UtcDateTime(required=True)
    until = UtcDateTime(required=True)
    rule = fields.Nested(RuleOutSchema, required=True)
    currency = fields.String(required=True)
    cap_cents = fields.Integer(allow_none=True, required=True)
    min_points = fields.Integer(required=True)
    created_by = fields.Nested(UserRefSchema, required=True)
    created_at = UtcDateTime(required=True)
    committed_at = UtcDateTime(allow_none=True, required=True)
    paid_at = UtcDateTime(allow_none=True, required=True)
    voided_at = UtcDateTime(allow_none=True, required=True)
    total_points = fields.Integer(required=True)
    total_cents = fields.Integer(required=True)
    total_amount = fields.String(required=True)
    lines = fields.List(fields.Nested(BonusLineSchema))
    totals = fields.Nested(TotalsSchema)
    version = fields.String(
        metadata={
            "description": "A digest of the lines and amounts shown (also the ETag): commit "
            "a draft by naming it. For a committed run, the version it committed."
        }
    )
    stale = fields.Boolean(
        metadata={"description": "A draft whose preview changed since it was made or refreshed."}
    )


class BonusRunListSchema(ma.Schema):
    items = fields.List(fields.Nested(BonusRunSchema), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


class PayrollRowSchema(ma.Schema):
    employee_id = fields.String(
        required=True, metadata={"description": "The HR employee number; empty when missing."}
    )
    email = fields.String(required=True)
    name = fields.String(required=True)
    department = fields.String(required=True)
    points = fields.Integer(required=True)
    amount = fields.String(required=True, metadata={"description": "Major units, e.g. 12.50."})
    currency = fields.String(required=True)
    run_id = fields.Integer(required=True)
    check = fields.String(
        required=True,
        metadata={"description": "Empty, or what payroll must check first (a missing HR number)."},
    )


class PayrollSchema(ma.Schema):
    items = fields.List(fields.Nested(PayrollRowSchema), required=True)
    next_cursor = fields.String(allow_none=True, required=True)
