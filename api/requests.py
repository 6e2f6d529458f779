"""Service requests: ask for help, list and read requests, and take each step of the relay."""

from __future__ import annotations

import marshmallow as ma
from flask import url_for
from flask.views import MethodView

from api.auth import idempotency_key, idempotent, principal, requires
from api.pagination import decode_cursor, page
from api.parsing import Blueprint
from api.results import documents_errors, found_first, operation_response
from api.schemas import ID_PATH
from api.schemas.requests import (
    REQUEST_EXAMPLE,
    REQUEST_LINKS,
    CloseSchema,
    HandoffSchema,
    ReasonSchema,
    RequestCreateSchema,
    RequestListSchema,
    RequestQuerySchema,
    RequestSchema,
    StepSchema,
)
from ledger.clock import utcnow
from ledger.queries.request_list import RequestFilter, list_requests
from ledger.queries.requests import check_visible, request_for
from ledger.services.request_close import CloseAward, close_request
from ledger.services.requests import open_request, take_step

bp = Blueprint("Requests", __name__, description="Ask for help and pass the baton")

REQUEST_PATH = f"/requests/<{ID_PATH}:request_id>"
STEP_ERRORS = (400, 401, 403, 404, 409, 413, 422, 503)


def _visible(request_id: int) -> None:
    check_visible(principal().user, request_id)


@bp.route("/requests")
class Requests(MethodView):
    @requires("read")
    @bp.arguments(RequestQuerySchema, location="query", unknown=ma.RAISE)
    @bp.response(200, RequestListSchema)
    @bp.doc(operationId="listRequests")
    @documents_errors(bp, 401, 403, 422)
    def get(self, args):
        """List the requests within your reach, newest first."""
        position = decode_cursor(args.get("cursor"), i=int)
        filters = RequestFilter(
            role=args.get("role"),
            department_id=args.get("department"),
            states=(args["state"],) if args.get("state") else (),
            overdue=args.get("overdue"),
        )
        items = list_requests(
            principal().user,
            filters,
            now=utcnow(),
            limit=args["limit"] + 1,
            before_id=position["i"] if position else None,
        )
        return page(items, args["limit"], lambda item: {"i": item["id"]})

    @requires("award")
    @idempotent
    @bp.arguments(RequestCreateSchema, example=REQUEST_EXAMPLE)
    @bp.response(201, RequestSchema, description="The request, open.")
    # Links from the ask only: links from every step too would make a stateful walk of the
    # whole API spend itself among requests (tests/api/test_fuzz.py must reach bonus runs).
    @bp.doc(operationId="createRequest", responses={201: {"links": REQUEST_LINKS}})
    @documents_errors(bp, 400, 401, 403, 409, 413, 422, 503)
    def post(self, body):
        """Ask a person or a department for help by a due date; the lead time is recorded."""
        result = open_request(
            customer=principal().user.id,
            need=body["need"],
            provider=body.get("provider"),
            department=body.get("department"),
            due_at=body["due_at"],
            now=utcnow(),
            actor=principal().actor(),
            idempotency=idempotency_key(body),
        )
        location = url_for("Requests.Request", request_id=result.document["id"])
        return operation_response(result, 201, Location=location)


@bp.route(REQUEST_PATH)
class Request(MethodView):
    @requires("read")
    @bp.response(200, RequestSchema)
    @bp.doc(operationId="getRequest")
    @documents_errors(bp, 401, 403, 404)
    def get(self, request_id):
        """Read one request and its relay."""
        return request_for(principal().user, request_id, now=utcnow())


def _step(action: str, request_id: int, body: dict):
    result = take_step(
        request_id,
        action,
        by=principal().user.id,
        note=body.get("note", ""),
        to=body.get("to"),
        now=utcnow(),
        actor=principal().actor(),
        idempotency=idempotency_key(body),
    )
    return operation_response(result, 200)


@bp.route(f"{REQUEST_PATH}/accept")
class RequestAccept(MethodView):
    @requires("award")
    @idempotent
    @found_first(_visible)
    @bp.arguments(StepSchema, required=False)
    @bp.response(200, RequestSchema)
    @bp.doc(operationId="acceptRequest")
    @documents_errors(bp, *STEP_ERRORS)
    def post(self, body, request_id):
        """Take an open request on: the provider named, or a member of the department asked."""
        return _step("accept", request_id, body)


@bp.route(f"{REQUEST_PATH}/handoff")
class RequestHandoff(MethodView):
    @requires("award")
    @idempotent
    @found_first(_visible)
    @bp.arguments(HandoffSchema)
    @bp.response(200, RequestSchema)
    @bp.doc(operationId="handOffRequest")
    @documents_errors(bp, *STEP_ERRORS)
    def post(self, body, request_id):
        """Hand the request you hold to the next provider, saying what is done and what is left."""
        return _step("handoff", request_id, body)


@bp.route(f"{REQUEST_PATH}/deliver")
class RequestDeliver(MethodView):
    @requires("award")
    @idempotent
    @found_first(_visible)
    @bp.arguments(StepSchema, required=False)
    @bp.response(200, RequestSchema)
    @bp.doc(operationId="deliverRequest")
    @documents_errors(bp, *STEP_ERRORS)
    def post(self, body, request_id):
        """Deliver the request you hold; `on_time` compares now with the due time."""
        return _step("deliver", request_id, body)


@bp.route(f"{REQUEST_PATH}/close")
class RequestClose(MethodView):
    @requires("award")
    @idempotent
    @found_first(_visible)
    @bp.arguments(CloseSchema, required=False)
    @bp.response(200, RequestSchema)
    @bp.doc(operationId="closeRequest")
    @documents_errors(bp, *STEP_ERRORS)
    def post(self, body, request_id):
        """Close a delivered request (its customer), optionally awarding everyone in the chain.

        The award obeys every award rule (allowance, limits, kinds); if it is refused, nothing
        is written and the request stays delivered.
        """
        award = body.get("award")
        result = close_request(
            request_id,
            by=principal().user.id,
            note=body.get("note", ""),
            award=CloseAward(award["points"], award["message"], award["service_kind"])
            if award
            else None,
            now=utcnow(),
            actor=principal().actor(),
            idempotency=idempotency_key(body),
        )
        return operation_response(result, 200)


@bp.route(f"{REQUEST_PATH}/withdraw")
class RequestWithdraw(MethodView):
    @requires("award")
    @idempotent
    @found_first(_visible)
    @bp.arguments(ReasonSchema)
    @bp.response(200, RequestSchema)
    @bp.doc(operationId="withdrawRequest")
    @documents_errors(bp, *STEP_ERRORS)
    def post(self, body, request_id):
        """Withdraw your request, with the reason, at any time before you close it."""
        return _step("withdraw", request_id, body)


@bp.route(f"{REQUEST_PATH}/decline")
class RequestDecline(MethodView):
    @requires("award")
    @idempotent
    @found_first(_visible)
    @bp.arguments(ReasonSchema)
    @bp.response(200, RequestSchema)
    @bp.doc(operationId="declineRequest")
    @documents_errors(bp, *STEP_ERRORS)
    def post(self, body, request_id):
        """Decline a request asked of you or that you hold, with the reason, before delivery."""
        return _step("decline", request_id, body)
