"""The recognition wall: every award, newest first, with filters."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from ledger import clock, rules
from ledger.i18n import translated
from ledger.queries.feed import feed_page
from ledger.queries.people import departments, people_search
from ledger.queries.service_kinds import service_kinds
from ledger.rules import DIRECTIONS
from web.forms.base import fresh_nonce

bp = Blueprint("feed", __name__)


def kind_names() -> dict[str, str]:
    return {kind["code"]: translated(kind["name"]) for kind in service_kinds(active_only=False)}


@bp.get("/feed")
def index():
    args = request.args
    filters = {
        "person_id": args.get("person", type=int),
        "department_id": args.get("department", type=int),
        "service_kind": args.get("kind") or None,
        "direction": args.get("direction") if args.get("direction") in DIRECTIONS else None,
    }
    awards, older = feed_page(**filters, before=args.get("before", type=int))
    return render_template(
        "feed/index.html",
        awards=awards,
        older=older,
        filters=filters,
        filtered=any(filters.values()),
        highlight=args.get("highlight", type=int),
        people=people_search(),
        departments=departments(),
        kinds=service_kinds(active_only=False),
        kind_names=kind_names(),
        actions=award_actions(awards),
    )


def award_actions(awards: list[dict]) -> dict[int, dict]:
    """Offer the viewer, per award, an add-on and an undo: each a one-time key, or None."""
    now = clock.utcnow()
    return {
        award["id"]: {
            "add_on": fresh_nonce() if rules.may_add_on(current_user.id, award) else None,
            "undo": fresh_nonce() if rules.may_withdraw(current_user.id, award, now) else None,
        }
        for award in awards
    }
