"""My payouts: a person's own bonus-run lines and their payroll status."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from api.schemas import UtcDateTime
from ledger.queries.payouts import PAYROLL_STATUS


class PayoutSchema(ma.Schema):
    run_id = fields.Integer(required=True)
    since = UtcDateTime(required=True)
    until = UtcDateTime(required=True, metadata={"description": "Exclusive."})
    points = fields.Integer(required=True, metadata={"description": "Points converted."})
    clawback_points = fields.Integer(
        required=True, metadata={"description": "Of them, withheld to settle a clawback."}
    )
    amount_cents = fields.Integer(required=True)
    amount = fields.String(required=True, metadata={"description": "Major units, e.g. 12.50."})
    currency = fields.String(required=True)
    capped = fields.Boolean(required=True)
    status = fields.String(
        required=True,
        validate=validate.OneOf(sorted(set(PAYROLL_STATUS.values()))),
        metadata={"description": "`awaiting_payroll` (committed, not yet paid), `paid`, or "
                  "`voided` (the points came back, for a later run)."},
    )  # fmt: skip
    committed_at = UtcDateTime(required=True)
    paid_at = UtcDateTime(required=True, allow_none=True)
    voided_at = UtcDateTime(required=True, allow_none=True)


class PayoutListSchema(ma.Schema):
    items = fields.List(fields.Nested(PayoutSchema), required=True)
