"""The audit trail for admins: filter by person, action and dates; page back in time."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request

from ledger.queries.audit import PAGE, AuditFilter, audit_actions, audit_events, everyone, readable
from ledger.queries.feed import feed_bounds
from web.guards import role_required

bp = Blueprint("admin_audit", __name__, url_prefix="/admin/audit")


@bp.get("/")
@role_required("admin")
def index():
    args = request.args
    actions = audit_actions()
    problem = None
    try:
        since = _day(args.get("since"))
        until = _day(args.get("until"))
    except ValueError:
        since = until = None
        problem = "Give dates as YYYY-MM-DD."
    chosen = {
        "person": args.get("person", type=int),
        "action": args.get("action") if args.get("action") in actions else None,
        "since": since,
        "until": until,
    }
    start, end = feed_bounds(since, until)
    filters = AuditFilter(chosen["person"], chosen["action"], start, end)
    found = [] if problem else audit_events(filters, limit=PAGE + 1, before=_before())
    older = found[PAGE - 1]["id"] if len(found) > PAGE else None
    return render_template(
        "admin/audit.html",
        events=found[:PAGE],
        older=older,
        chosen=chosen,
        filtered=any(value is not None for value in chosen.values()),
        actions=actions,
        people=everyone(),
        readable=readable,
        problem=problem,
    ), 400 if problem else 200


def _day(text: str | None) -> date | None:
    if not text:
        return None
    day = date.fromisoformat(text)  # ValueError for anything but YYYY-MM-DD
    if len(text) != 10 or not 1900 <= day.year <= 9000:
        raise ValueError(text)
    return day


def _before() -> int | None:
    value = request.args.get("before", type=int)
    return value if value is not None and 0 < value < 2**31 else None
