"""The givers' leaderboard (who thanks most people) and a person's own payouts."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView

from api.auth import principal, requires
from api.csv_export import CSV_DOC, csv_requested, csv_response
from api.pagination import decode_cursor, encode_cursor
from api.parsing import Blueprint
from api.results import documents_errors
from api.schemas.givers import GiversQuerySchema, GiversSchema
from api.schemas.payouts import PayoutListSchema
from ledger.clock import utcnow
from ledger.queries.givers import giver_standings, givers_table
from ledger.queries.payouts import payouts

bp = Blueprint("Recognition", __name__, description="Who gives most; my payouts")


@bp.route("/leaderboard/givers")
class Givers(MethodView):
    @requires("read")
    @bp.arguments(GiversQuerySchema, location="query", unknown=ma.RAISE)
    @bp.response(200, GiversSchema)
    @bp.doc(operationId="getGivers", responses=CSV_DOC)
    @documents_errors(bp, 401, 403, 404)
    def get(self, args):
        """Rank people by how many distinct people they thanked; ties share a rank ("1224")."""
        csv = csv_requested()
        start = None if csv else decode_cursor(args.get("cursor"), offset=int)
        offset = start["offset"] if start else 0
        window, rows = giver_standings(
            principal().user, now=utcnow(), manage="manage" in principal().scopes,
            scope=args["scope"], period=args.get("period"), since=args.get("since"),
            until=args.get("until"), offset=offset,
            limit=None if csv else args["limit"] + 1,  # one more row tells whether a page follows
        )  # fmt: skip
        if csv:
            return csv_response(*givers_table(rows), "givers.csv")
        end = offset + args["limit"]
        return {
            "items": rows[: args["limit"]],
            "next_cursor": encode_cursor({"offset": end}) if len(rows) > args["limit"] else None,
            "since": window.since,
            "until": window.until,
        }


@bp.route("/me/payouts")
class MyPayouts(MethodView):
    @requires("read")
    @bp.response(200, PayoutListSchema)
    @bp.doc(operationId="getMyPayouts")
    @documents_errors(bp, 401, 403)
    def get(self):
        """Your own lines in committed bonus runs, newest first, with their payroll status."""
        return {"items": payouts(principal().user.id)}
