"""Awards: give one, read the feed (JSON or CSV), read one, reverse one."""

from __future__ import annotations

import marshmallow as ma
from flask import url_for
from flask.views import MethodView

from api import examples
from api.auth import idempotency_key, idempotent, principal, requires
from api.csv_export import CSV_DOC, csv_requested, csv_response
from api.errors import error_response
from api.limits import award_rate_limit
from api.pagination import cursor_time, decode_cursor, page
from api.parsing import Blueprint
from api.results import documents_errors, found_first, operation_response
from api.schemas import ID_PATH
from api.schemas.awards import (
    AddOnCreateSchema,
    AwardCreateSchema,
    AwardListSchema,
    AwardQuerySchema,
    AwardSchema,
    ReversalCreateSchema,
    ReversalSchema,
)
from ledger.clock import utcnow
from ledger.errors import NotFound, NotTheGiver
from ledger.i18n import N_
from ledger.queries.feed import AwardFilter, award_by_id, award_feed, feed_bounds
from ledger.queries.people import user_by_email, user_by_id
from ledger.services import add_to_award, award_points, reverse_award, withdraw_award

bp = Blueprint("Awards", __name__, description="Give, read and reverse awards")

CSV_HEADER = ["award_id", "created_at", "period", "giver_id", "giver_name", "giver_email",
              "recipient_id", "recipient_name", "recipient_email", "points", "direction",
              "cross_department", "service_kind", "message", "reversed"]  # fmt: skip
AWARD_LINKS = {
    "GetAward": {"operationId": "getAward", "parameters": {"award_id": "$response.body#/id"}},
    "ReverseAward": {
        "operationId": "reverseAward",
        "parameters": {"award_id": "$response.body#/id"},
    },
}


@bp.route("/awards")
class Awards(MethodView):
    @requires("read")
    @bp.arguments(AwardQuerySchema, location="query", unknown=ma.RAISE)
    @bp.response(200, AwardListSchema)
    @bp.doc(operationId="listAwards", responses=CSV_DOC)
    @documents_errors(bp, 401, 403)
    def get(self, args):
        """List awards newest first; `Accept: text/csv` or `format=csv` gives every match."""
        filters = _award_filter(args)
        if csv_requested():
            rows = [
                _csv_row(award, line) for award in award_feed(filters) for line in award["lines"]
            ]
            return csv_response(CSV_HEADER, rows, "awards.csv")
        position = decode_cursor(args.get("cursor"), t=str, i=int)
        after = (cursor_time(position["t"]), position["i"]) if position else None
        items = award_feed(filters, limit=args["limit"] + 1, after=after)
        return page(
            items, args["limit"], lambda award: {"t": award["created_at"], "i": award["id"]}
        )

    @requires("award")
    @idempotent
    @award_rate_limit
    @bp.arguments(AwardCreateSchema, example=examples.AWARD_REQUEST)
    @bp.response(
        201,
        AwardSchema,
        description="The award, as given (or as first given, on a replay).",
        example=examples.AWARD,
    )
    @bp.doc(
        operationId="createAward",
        responses={201: {"links": AWARD_LINKS}},
    )
    @documents_errors(bp, 400, 401, 403, 409, 413, 422, 429, 503)
    def post(self, body):
        """Give an award; send an Idempotency-Key and retry with the same key after a failure."""
        on_behalf_of = body.get("on_behalf_of")
        if on_behalf_of is not None and "on-behalf" not in principal().scopes:
            return _scope_missing()
        result = award_points(
            giver=on_behalf_of if on_behalf_of is not None else principal().user.id,
            recipients=body["recipients"],
            points=body["points"],
            message=body["message"],
            service_kind=body["service_kind"],
            now=utcnow(),
            actor=principal().actor(_user_id(on_behalf_of)),
            idempotency=idempotency_key(body),
        )
        location = url_for("Awards.Award", award_id=result.document["id"])
        return operation_response(result, 201, Location=location)


@bp.route(f"/awards/<{ID_PATH}:award_id>")
class Award(MethodView):
    @requires("read")
    @bp.response(200, AwardSchema)
    @bp.doc(operationId="getAward")
    @documents_errors(bp, 401, 403, 404)
    def get(self, award_id):
        """Read one award."""
        return _award(award_id)


@bp.route(f"/awards/<{ID_PATH}:award_id>/reversal")
class AwardReversal(MethodView):
    @requires("admin")
    @idempotent
    @found_first(lambda award_id: _award(award_id))
    @bp.arguments(ReversalCreateSchema, example=examples.REVERSAL_REQUEST)
    @bp.response(201, ReversalSchema)
    @bp.doc(operationId="reverseAward")
    @documents_errors(bp, 400, 401, 403, 404, 409, 413, 422, 503)
    def post(self, body, award_id):
        """Reverse a whole award (admins): the points go back to the giver's allowance."""
        result = reverse_award(
            award_id,
            reason=body["reason"],
            clawback=body["clawback"],
            now=utcnow(),
            actor=principal().actor(),
            idempotency=idempotency_key(body),
        )
        return operation_response(result, 201)


@bp.route(f"/awards/<{ID_PATH}:award_id>/add-ons")
class AwardAddOns(MethodView):
    @requires("award")
    @idempotent
    @award_rate_limit
    @found_first(lambda award_id: _award(award_id))
    @bp.arguments(AddOnCreateSchema, example=examples.ADD_ON_REQUEST)
    @bp.response(201, AwardSchema, description="The add-on: an award of its own, linked.")
    @bp.doc(operationId="addToAward", responses={201: {"links": AWARD_LINKS}})
    @documents_errors(bp, 400, 401, 403, 404, 409, 413, 422, 429, 503)
    def post(self, body, award_id):
        """Add points to someone else's award ("+5, me too").

        Each of its recipients gets `points` from your own allowance, as a linked award under
        an award's rules: refusals include `add_on_to_own_award`, `self_award` (you are a
        recipient), `add_on_to_add_on`, `already_reversed`, `recipient_inactive`,
        `insufficient_allowance` and `pair_cap_reached`.
        """
        result = add_to_award(
            award_id,
            giver=principal().user.id,
            points=body["points"],
            message=body["message"],
            now=utcnow(),
            actor=principal().actor(),
            idempotency=idempotency_key(body),
        )
        location = url_for("Awards.Award", award_id=result.document["id"])
        return operation_response(result, 201, Location=location)


@bp.route(f"/awards/<{ID_PATH}:award_id>/withdrawal")
class AwardWithdrawal(MethodView):
    @requires("award")
    @idempotent
    @found_first(lambda award_id: _own_award(award_id))
    @bp.response(201, ReversalSchema, description='The reversal, reason "withdrawn by the giver".')
    @bp.doc(operationId="withdrawAward")
    @documents_errors(bp, 400, 401, 403, 404, 409, 422, 503)
    def post(self, award_id):
        """Withdraw your own award in its first 10 minutes.

        A reversal with the reason "withdrawn by the giver". Refused later
        (`withdrawal_window_passed`), once a bonus run paid it (`already_converted`) or others
        added to it (`already_added_to`): then only an admin reverses it. Someone else's
        award: 403 `not_the_giver`.
        """
        result = withdraw_award(
            award_id, now=utcnow(), actor=principal().actor(), idempotency=idempotency_key({})
        )
        return operation_response(result, 201)


def _own_award(award_id: int) -> None:
    if _award(award_id)["giver"]["id"] != principal().user.id:
        raise NotTheGiver()


def _award(award_id: int) -> dict:
    award = award_by_id(award_id)
    if award is None:
        raise NotFound(f"There is no award {award_id}.")
    return award


def _award_filter(args) -> AwardFilter:
    since, until = feed_bounds(args.get("since"), args.get("until"))
    return AwardFilter(
        giver_id=args.get("giver"),
        recipient_id=args.get("recipient"),
        user_id=args.get("user"),
        department_id=args.get("department"),
        service_kind=args.get("service_kind"),
        direction=args.get("direction"),
        since=since,
        until=until,
    )


def _csv_row(award: dict, line: dict) -> list:
    giver, recipient = award["giver"], line["recipient"]
    return [award["id"], award["created_at"], award["period"], giver["id"], giver["name"],
            giver["email"], recipient["id"], recipient["name"], recipient["email"],
            line["points"], line["direction"], line["cross_department"],
            award["service_kind"], award["message"], award["reversed"]]  # fmt: skip


def _user_id(reference: int | str | None) -> int | None:
    if reference is None:
        return None
    user = user_by_id(reference) if isinstance(reference, int) else user_by_email(reference)
    return user.id if user else None


def _scope_missing():
    return error_response(
        403,
        "scope_missing",
        N_("Giving on someone's behalf needs the 'on-behalf' scope."),
        {"required": "on-behalf"},
    )
