"""The leaderboard: who served most in a window and a scope (JSON or CSV)."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView

from api import examples
from api.auth import principal, requires
from api.csv_export import CSV_DOC, csv_requested, csv_response
from api.pagination import decode_cursor, encode_cursor
from api.parsing import Blueprint
from api.results import documents_errors
from api.schemas.leaderboard import LeaderboardQuerySchema, LeaderboardSchema
from ledger.clock import utcnow
from ledger.queries.leaderboard_csv import leaderboard_table
from ledger.queries.standings import standings

bp = Blueprint("Leaderboard", __name__, description="Leaderboards")


@bp.route("/leaderboard")
class Leaderboard(MethodView):
    @requires("read")
    @bp.arguments(LeaderboardQuerySchema, location="query", unknown=ma.RAISE)
    @bp.response(200, LeaderboardSchema, example=examples.LEADERBOARD)
    @bp.doc(operationId="getLeaderboard", responses=CSV_DOC)
    @documents_errors(bp, 401, 403, 404)
    def get(self, args):
        """Rank people by points, awards or customers; ties share a rank ("1224")."""
        csv = csv_requested()
        start = None if csv else decode_cursor(args.get("cursor"), offset=int)
        offset = start["offset"] if start else 0
        ranked = standings(
            principal().user,
            now=utcnow(),
            manage="manage" in principal().scopes,
            scope=args["scope"],
            period=args.get("period"),
            since=args.get("since"),
            until=args.get("until"),
            metric=args["metric"],
            direction=args.get("direction"),
            service_kind=args.get("service_kind"),
            by_direction=args.get("by_direction"),
            offset=offset,
            limit=None if csv else args["limit"] + 1,  # one more row tells whether a page follows
        )
        rows = ranked.rows
        if csv:
            return csv_response(*leaderboard_table(rows, ranked.by_direction), "leaderboard.csv")
        end = offset + args["limit"]
        return {
            "items": rows[: args["limit"]],
            "next_cursor": encode_cursor({"offset": end}) if len(rows) > args["limit"] else None,
            "since": ranked.window.since,
            "until": ranked.window.until,
        }
