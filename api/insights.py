"""Service insights for managers: JSON documents, or CSV rows (`?format=csv`)."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView

from api.auth import principal, requires
from api.csv_export import CSV_DOC, csv_requested, csv_response
from api.parsing import Blueprint
from api.results import documents_errors
from api.schemas.insights import (
    InsightQuerySchema,
    ReciprocitySchema,
    ServiceMapSchema,
    ServiceMixQuerySchema,
    ServiceMixSchema,
    UnrecognizedQuerySchema,
    UnrecognizedSchema,
)
from api.schemas.participation import ParticipationQuerySchema, ParticipationSchema
from api.schemas.request_insights import RequestInsightQuerySchema, RequestInsightSchema
from ledger.clock import utcnow
from ledger.queries.insights import (
    insight_scope,
    reciprocity,
    service_map,
    service_mix,
    unrecognized,
)
from ledger.queries.insights.participation import participation
from ledger.queries.insights.requests import request_insight
from ledger.queries.insights.rows import (
    participation_rows,
    reciprocity_rows,
    service_map_rows,
    service_mix_rows,
    unrecognized_rows,
)

bp = Blueprint("Insights", __name__, description="Service insights (manage scope, within reach)")


def _scope(args, **options):
    return insight_scope(
        principal().user,
        now=utcnow(),
        scope=args.get("scope"),
        period=args.get("period"),
        since=args.get("since"),
        until=args.get("until"),
        **options,
    )


@bp.route("/insights/service-mix")
class ServiceMix(MethodView):
    @requires("manage")
    @bp.arguments(ServiceMixQuerySchema, location="query", unknown=ma.RAISE)
    @bp.response(200, ServiceMixSchema)
    @bp.doc(operationId="getServiceMix", responses=CSV_DOC)
    @documents_errors(bp, 401, 403, 404)
    def get(self, args):
        """Points and awards received by direction, kind and customers, per person, team and
        department; `group` picks the CSV's rows."""
        mix = service_mix(_scope(args))
        if csv_requested():
            header, rows = service_mix_rows(mix, args["group"])
            return csv_response(header, rows, f"service-mix-{args['group']}.csv")
        return mix


@bp.route("/insights/unrecognized")
class Unrecognized(MethodView):
    @requires("manage")
    @bp.arguments(UnrecognizedQuerySchema, location="query", unknown=ma.RAISE)
    @bp.response(200, UnrecognizedSchema)
    @bp.doc(operationId="getUnrecognized", responses=CSV_DOC)
    @documents_errors(bp, 401, 403, 404)
    def get(self, args):
        """People in scope who received nothing in the last N periods (default 2), and people
        who gave nothing: prompts for a conversation, with their last dates."""
        found = unrecognized(_scope(args, periods=args["periods"]))
        if csv_requested():
            header, rows = unrecognized_rows(found, args["group"])
            return csv_response(header, rows, f"{args['group']}.csv")
        return found


@bp.route("/insights/reciprocity")
class Reciprocity(MethodView):
    @requires("manage")
    @bp.arguments(InsightQuerySchema, location="query", unknown=ma.RAISE)
    @bp.response(200, ReciprocitySchema)
    @bp.doc(operationId="getReciprocity", responses=CSV_DOC)
    @documents_errors(bp, 401, 403, 404)
    def get(self, args):
        """Pairs who award each other back and forth (at least 3 round trips carrying 30 % of
        either's points) and rings A→B→C→A, involving someone in scope: flagged, not blocked."""
        found = reciprocity(_scope(args))
        if csv_requested():
            return csv_response(*reciprocity_rows(found), "reciprocity.csv")
        return found


@bp.route("/insights/service-map")
class ServiceMap(MethodView):
    @requires("manage")
    @bp.arguments(InsightQuerySchema, location="query", unknown=ma.RAISE)
    @bp.response(200, ServiceMapSchema)
    @bp.doc(operationId="getServiceMap", responses=CSV_DOC)
    @documents_errors(bp, 401, 403, 404)
    def get(self, args):
        """A department-by-department matrix of points given (who serves whom) over the lines
        that touch the scope, with each flow marked one-way or two-way."""
        found = service_map(_scope(args))
        if csv_requested():
            return csv_response(*service_map_rows(found), "service-map.csv")
        return found


@bp.route("/insights/participation")
class Participation(MethodView):
    @requires("manage")
    @bp.arguments(ParticipationQuerySchema, location="query", unknown=ma.RAISE)
    @bp.response(200, ParticipationSchema)
    @bp.doc(operationId="getParticipation", responses=CSV_DOC)
    @documents_errors(bp, 401, 403, 404)
    def get(self, args):
        """Per team and department, the share of people who gave and who received in a period
        (default: the current one), and the allowance granted, spent and expired; with the
        scope's trend over the last 6 periods. `group` picks the CSV's rows."""
        found = participation(
            principal().user, now=utcnow(), scope=args.get("scope"), period=args.get("period")
        )
        if csv_requested():
            header, rows = participation_rows(found, args["group"])
            return csv_response(header, rows, f"participation-{args['group']}.csv")
        return found


@bp.route("/insights/requests")
class RequestInsight(MethodView):
    @requires("manage")
    @bp.arguments(RequestInsightQuerySchema, location="query", unknown=ma.RAISE)
    @bp.response(200, RequestInsightSchema)
    @bp.doc(operationId="getRequestInsight")
    @documents_errors(bp, 401, 403, 404)
    def get(self, args):
        """Service requests in scope: lead time given per customer and department, on-time
        rate per provider, hand-offs and where requests wait, points for requests met versus
        proactive service."""
        return request_insight(_scope(args))
