"""The audit trail for admins: who did what, when and from where (JSON pages or CSV)."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView

from api.auth import requires
from api.csv_export import CSV_DOC, csv_requested, csv_response
from api.pagination import decode_cursor, page
from api.parsing import Blueprint
from api.results import documents_errors
from api.schemas.audit import AuditListSchema, AuditQuerySchema
from ledger.queries.audit import AuditFilter, audit_events, readable
from ledger.queries.feed import feed_bounds

bp = Blueprint("Audit", __name__, description="The audit trail")

CSV_HEADER = ["id", "created_at", "action", "outcome", "actor_id", "actor_name", "actor_email",
              "on_behalf_of_id", "token_id", "object_type", "object_id", "details",
              "operation_id", "request_id", "idempotency_key", "client_address"]  # fmt: skip


@bp.route("/audit")
class Audit(MethodView):
    @requires("admin")
    @bp.arguments(AuditQuerySchema, location="query", unknown=ma.RAISE)
    @bp.response(200, AuditListSchema)
    @bp.doc(operationId="listAuditEvents", responses=CSV_DOC)
    @documents_errors(bp, 401, 403, 422)
    def get(self, args):
        """List audit events newest first; `Accept: text/csv` or `format=csv` gives every match."""
        since, until = feed_bounds(args.get("since"), args.get("until"))
        filters = AuditFilter(args.get("person"), args.get("action"), since, until)
        if csv_requested():
            return csv_response(CSV_HEADER, map(csv_row, audit_events(filters)), "audit.csv")
        position = decode_cursor(args.get("cursor"), i=int)
        items = audit_events(
            filters, limit=args["limit"] + 1, before=position["i"] if position else None
        )
        return page(items, args["limit"], lambda event: {"i": event["id"]})


def csv_row(event: dict) -> list:
    """One CSV row; the details on one line with every control character escaped."""
    actor = event["actor"] or {}
    on_behalf_of = event["on_behalf_of"] or {}
    return [event["id"], event["created_at"].isoformat(), event["action"], event["outcome"],
            actor.get("id"), actor.get("name"), actor.get("email"), on_behalf_of.get("id"),
            event["token_id"], event["object_type"], event["object_id"],
            readable(event["details"]), event["operation_id"], event["request_id"],
            event["idempotency_key"], event["client_address"]]  # fmt: skip
