"""Bonus runs: preview, commit, void, mark paid, and the payroll export (JSON and CSV)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import marshmallow as ma
from flask import request, url_for
from flask.views import MethodView
from werkzeug.http import parse_etags

from api.auth import idempotency_key, idempotent, principal, requires
from api.csv_export import CSV_DOC, csv_requested, csv_response
from api.parsing import Blueprint
from api.results import documents_errors, found_first, operation_response
from api.schemas import ID_PATH
from api.schemas.bonus_run_docs import ETAG, IF_MATCH, RUN_EXAMPLE, RUN_LINKS
from api.schemas.bonus_runs import (
    BonusRunCommitSchema,
    BonusRunCreateSchema,
    BonusRunListSchema,
    BonusRunQuerySchema,
    BonusRunSchema,
    PayrollSchema,
)
from ledger.bonus.errors import VersionRequired
from ledger.bonus.queries import PAYROLL_COLUMNS, get_run, list_runs, payroll, visible_run
from ledger.bonus.rules import DEFAULT_CUSTOMERS_K, Rule
from ledger.bonus.services import commit_run, create_draft, mark_paid, void_run
from ledger.clock import utcnow
from ledger.errors import ValidationFailed
from ledger.queries.insights import flags_by_person
from ledger.queries.leaderboard import Window

bp = Blueprint("BonusRuns", __name__, description="Turn earned points into money for payroll")

RUN_PATH = f"/bonus-runs/<{ID_PATH}:run_id>"
LINE_COLUMNS = ["user_id", "name", "email", "points", "clawback_points", "amount_cents", "amount",
                "capped", "forfeited_cents", "below_minimum", "inactive", "customers",
                "effective_points"]  # fmt: skip


@bp.route("/bonus-runs")
class BonusRuns(MethodView):
    @requires("manage")
    @bp.arguments(BonusRunQuerySchema, location="query", unknown=ma.RAISE)
    @bp.response(200, BonusRunListSchema)
    @bp.doc(operationId="listBonusRuns")
    @documents_errors(bp, 401, 403, 422)
    def get(self, args):
        """List the runs you manage, newest first."""
        return list_runs(
            principal().user,
            status=args.get("status"),
            limit=args["limit"],
            cursor=args.get("cursor"),
        )

    @requires("manage")
    @bp.arguments(BonusRunCreateSchema, example=RUN_EXAMPLE)
    @bp.response(
        201,
        BonusRunSchema,
        description="A draft: the preview and its version, nothing converted yet.",
        headers=ETAG,
    )
    @bp.doc(operationId="createBonusRun", responses={201: {"links": RUN_LINKS}})
    @documents_errors(bp, 400, 401, 403, 404, 422, 503)
    def post(self, body):
        """Preview a bonus run over a window and scope; commit it to convert the points."""
        rule = body["rule"]
        k = rule.get("customers_k", DEFAULT_CUSTOMERS_K) if rule["weight_by_customers"] else None
        result = create_draft(
            scope=body["scope"],
            since=body["since"],
            until=body["until"],
            rule=Rule(
                rule["type"],
                rule.get("cents_per_point"),
                rule.get("pool_cents"),
                body.get("cap_cents"),
                body["min_points"],
                k,
            ),
            currency=body["currency"],
            now=utcnow(),
            actor=principal().actor(),
        )
        location = url_for("BonusRuns.BonusRun", run_id=result.document["id"])
        return operation_response(result, 201, Location=location, **_etag(result.document))


@bp.route(RUN_PATH)
class BonusRun(MethodView):
    @requires("manage")
    @bp.response(200, BonusRunSchema, headers=ETAG)
    @bp.doc(operationId="getBonusRun", responses=CSV_DOC)
    @documents_errors(bp, 401, 403, 404)
    def get(self, run_id):
        """Read a run and its lines (a draft is recomputed now); `Accept: text/csv` for lines."""
        run = get_run(run_id, principal().user)
        if csv_requested():
            rows = [_line_row(line) for line in run["lines"]]
            return csv_response(LINE_COLUMNS, rows, f"bonus-run-{run_id}-lines.csv")
        return _with_trading(run), _etag(run)


def _with_trading(run: dict) -> dict:
    """Mark each line with the pairs and rings its person is part of in the run's window."""
    window = Window(*(datetime.fromisoformat(run[bound]) for bound in ("since", "until")))
    flags = flags_by_person(window, [line["user"]["id"] for line in run["lines"]])
    for line in run["lines"]:
        line["trading"] = flags.get(line["user"]["id"], [])
    return run


def _etag(run: dict) -> dict[str, str]:
    return {"ETag": f'"{run["version"]}"'} if run.get("version") else {}


def _commit_version(body: dict) -> str:
    """Take the reviewed version from the body or from If-Match (one strong tag), not both."""
    named = body.get("version")
    header = request.headers.get("If-Match")
    if header is not None:
        tags = parse_etags(header)
        strong = tags.as_set()
        if tags.star_tag or len(strong) != 1 or tags.as_set(include_weak=True) != strong:
            raise ValidationFailed("If-Match must name one version, as its ETag.", field="If-Match")
        (tag,) = strong
        if named is not None and named != tag:
            raise ValidationFailed(
                "The body and If-Match name different versions.", field="version"
            )
        named = tag
    if not named:
        raise VersionRequired()
    return named


def _line_row(line: dict) -> list:
    user = line["user"]
    return [user["id"], user["name"], user["email"], *(line[name] for name in LINE_COLUMNS[3:])]


def _transition(service: Callable, run_id: int):
    # 404 before the idempotency lookup, as API.md orders the checks.
    visible_run(run_id, principal().user)
    result = service(
        run_id, now=utcnow(), actor=principal().actor(), idempotency=idempotency_key({})
    )
    return operation_response(result, 200)


@bp.route(f"{RUN_PATH}/commit")
class BonusRunCommit(MethodView):
    @requires("manage")
    @idempotent
    @found_first(lambda run_id: visible_run(run_id, principal().user))
    @bp.arguments(BonusRunCommitSchema, required=False)
    @bp.response(200, BonusRunSchema, headers=ETAG)
    @bp.doc(
        operationId="commitBonusRun",
        parameters=[IF_MATCH],
        responses={200: {"links": RUN_LINKS}},
    )
    @documents_errors(bp, 400, 401, 403, 404, 409, 422, 428, 503)
    def post(self, body, run_id):
        """Convert the lines of the draft version you reviewed (`version` or If-Match).

        `draft_stale` (409, the fresh draft in `details.draft`) if the lines or amounts
        changed since that version, every time until you commit the fresh version.
        """
        version = _commit_version(body)
        result = commit_run(
            run_id,
            version=version,
            now=utcnow(),
            actor=principal().actor(),
            idempotency=idempotency_key({"version": version}),
        )
        return operation_response(result, 200, **_etag(result.document))


@bp.route(f"{RUN_PATH}/void")
class BonusRunVoid(MethodView):
    @requires("manage")
    @idempotent
    @found_first(lambda run_id: visible_run(run_id, principal().user))
    @bp.response(200, BonusRunSchema)
    @bp.doc(operationId="voidBonusRun", responses={200: {"links": RUN_LINKS}})
    @documents_errors(bp, 400, 401, 403, 404, 409, 422, 503)
    def post(self, run_id):
        """Void a run before it is paid: the points go back and can be converted again."""
        return _transition(void_run, run_id)


@bp.route(f"{RUN_PATH}/paid")
class BonusRunPaid(MethodView):
    @requires("manage")
    @idempotent
    @found_first(lambda run_id: visible_run(run_id, principal().user))
    @bp.response(200, BonusRunSchema)
    @bp.doc(operationId="markBonusRunPaid", responses={200: {"links": RUN_LINKS}})
    @documents_errors(bp, 400, 401, 403, 404, 409, 422, 503)
    def post(self, run_id):
        """Record that payroll paid the run; it can no longer be voided."""
        return _transition(mark_paid, run_id)


@bp.route(f"{RUN_PATH}/payroll")
class BonusRunPayroll(MethodView):
    @requires("manage")
    @bp.response(200, PayrollSchema)
    @bp.doc(operationId="getBonusRunPayroll")
    @documents_errors(bp, 401, 403, 404, 409)
    def get(self, run_id):
        """One row per person paid more than zero; amounts in major units."""
        return {"items": payroll(run_id, principal().user), "next_cursor": None}


@bp.route(f"{RUN_PATH}/payroll.csv")
class BonusRunPayrollCsv(MethodView):
    @requires("manage")
    @bp.response(200, description="The payroll file.")
    @bp.doc(operationId="getBonusRunPayrollCsv", responses=CSV_DOC)
    @documents_errors(bp, 401, 403, 404, 409)
    def get(self, run_id):
        """The payroll file: a header row, one row per person paid, formula-safe cells."""
        rows = [
            [row[name] for name in PAYROLL_COLUMNS] for row in payroll(run_id, principal().user)
        ]
        return csv_response(PAYROLL_COLUMNS, rows, f"bonus-run-{run_id}-payroll.csv")
