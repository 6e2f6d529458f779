"""Insights for managers and admins: who serves whom, as pages with charts and as CSV."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from ledger import clock
from ledger.errors import LedgerError, http_status
from ledger.i18n import translated
from ledger.queries.insights import (
    insight_scope,
    reciprocity,
    scope_choices,
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
from ledger.queries.periods import recent_period_keys
from ledger.queries.service_kinds import service_kinds
from web.guards import role_required
from web.views.exports import csv_response

bp = Blueprint("insights", __name__, url_prefix="/insights")
GROUPS = ("people", "teams", "departments")


@bp.get("/")
@role_required("manager", "admin")
def index():
    return render_template("insights/index.html")


@bp.get("/service-mix")
@role_required("manager", "admin")
def service_mix_page():
    choice, mix, error = _read(service_mix)
    return _page("insights/service_mix.html", choice, error, mix=mix)


@bp.get("/service-mix.csv")
@role_required("manager", "admin")
def service_mix_csv():
    choice, mix, error = _read(service_mix)
    if error:
        return _page("insights/service_mix.html", choice, error, mix=None)
    group = request.args.get("group") if request.args.get("group") in GROUPS else "people"
    header, rows = service_mix_rows(mix, group)
    return csv_response(header, rows, f"baton-service-mix-{group}.csv")


@bp.get("/unrecognized")
@role_required("manager", "admin")
def unrecognized_page():
    choice, found, error = _read(unrecognized, periods=2)
    return _page("insights/unrecognized.html", choice, error, found=found)


@bp.get("/unrecognized.csv")
@role_required("manager", "admin")
def unrecognized_csv():
    choice, found, error = _read(unrecognized, periods=2)
    if error:
        return _page("insights/unrecognized.html", choice, error, found=None)
    group = "silent" if request.args.get("group") == "silent" else "unrecognized"
    header, rows = unrecognized_rows(found, group)
    return csv_response(header, rows, f"baton-{group}.csv")


@bp.get("/reciprocity")
@role_required("manager", "admin")
def reciprocity_page():
    choice, found, error = _read(reciprocity)
    return _page("insights/reciprocity.html", choice, error, found=found)


@bp.get("/reciprocity.csv")
@role_required("manager", "admin")
def reciprocity_csv():
    choice, found, error = _read(reciprocity)
    if error:
        return _page("insights/reciprocity.html", choice, error, found=None)
    return csv_response(*reciprocity_rows(found), "baton-reciprocity.csv")


@bp.get("/service-map")
@role_required("manager", "admin")
def service_map_page():
    choice, found, error = _read(service_map)
    return _page("insights/service_map.html", choice, error, found=found)


@bp.get("/service-map.csv")
@role_required("manager", "admin")
def service_map_csv():
    choice, found, error = _read(service_map)
    if error:
        return _page("insights/service_map.html", choice, error, found=None)
    return csv_response(*service_map_rows(found), "baton-service-map.csv")


@bp.get("/participation")
@role_required("manager", "admin")
def participation_page():
    choice, found, error = _read(participation)
    return _page("insights/participation.html", choice, error, found=found)


@bp.get("/participation.csv")
@role_required("manager", "admin")
def participation_csv():
    choice, found, error = _read(participation)
    if error:
        return _page("insights/participation.html", choice, error, found=None)
    group = request.args.get("group")
    group = group if group in ("teams", "departments", "trend") else "teams"
    return csv_response(*participation_rows(found, group), f"baton-participation-{group}.csv")


@bp.get("/requests")
@role_required("manager", "admin")
def requests_page():
    choice, found, error = _read(request_insight)
    return _page("insights/requests.html", choice, error, found=found)


def _read(insight, **options):
    """Read scope and period from the query string and run `insight`; errors come back."""
    choice = {"scope": request.args.get("scope") or "", "period": request.args.get("period") or ""}
    try:
        if insight is participation:  # one period and its trend, not a window
            return choice, participation(
                current_user, now=clock.utcnow(), scope=choice["scope"] or None,
                period=choice["period"] or None,
            ), None  # fmt: skip
        scope = insight_scope(
            current_user, now=clock.utcnow(), scope=choice["scope"] or None,
            period=choice["period"] or None, **options,
        )  # fmt: skip
        return choice, insight(scope), None
    except LedgerError as error:
        return choice, None, error


def _page(template: str, choice: dict, error: LedgerError | None, **context):
    return render_template(
        template,
        choice=choice,
        error=error,
        scopes=scope_choices(current_user),
        periods=recent_period_keys(clock.utcnow(), months=6, quarters=2),
        kind_names={k["code"]: translated(k["name"]) for k in service_kinds(active_only=False)},
        **context,
    ), http_status(error.code) if error else 200
