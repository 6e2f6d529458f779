"""Admin ledger operations: allowance top-ups and the reconciliation report."""

from __future__ import annotations

from flask.views import MethodView

from api import examples
from api.auth import idempotency_key, idempotent, principal, requires
from api.parsing import Blueprint
from api.results import documents_errors, operation_response
from api.schemas.ledger_admin import TopUpCreateSchema, TopUpSchema, VerifySchema
from ledger.clock import utcnow
from ledger.reconciliation import verify_ledger
from ledger.services.allowances import top_up

bp = Blueprint("Ledger", __name__, description="Allowance top-ups and reconciliation")


@bp.route("/allowances/top-ups")
class TopUps(MethodView):
    @requires("admin")
    @idempotent
    @bp.arguments(TopUpCreateSchema, example=examples.TOP_UP_REQUEST)
    @bp.response(201, TopUpSchema)
    @bp.doc(operationId="createTopUp")
    @documents_errors(bp, 400, 401, 403, 404, 409, 413, 422, 503)
    def post(self, body):
        """Add points to a person's allowance for the current period, with a reason."""
        result = top_up(
            body["user"],
            points=body["points"],
            reason=body["reason"],
            now=utcnow(),
            actor=principal().actor(),
            idempotency=idempotency_key(body),
        )
        return operation_response(result, 201)


@bp.route("/ledger/verify")
class Verify(MethodView):
    @requires("admin")
    @bp.response(200, VerifySchema)
    @bp.doc(operationId="verifyLedger")
    @documents_errors(bp, 401, 403)
    def get(self):
        """Reconcile the books: every balance against its transfers, and every invariant."""
        return verify_ledger(utcnow())
