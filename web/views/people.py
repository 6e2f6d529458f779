"""The directory and each person's page: what they received and gave, and how they serve."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from ledger import clock
from ledger.queries.balances import balances
from ledger.queries.feed import feed_page
from ledger.queries.people import people_search, person_figures, user_by_id
from ledger.queries.scopes import can_reach
from web.text import search_text
from web.views.feed import kind_names

bp = Blueprint("people", __name__)
MAX_ID = 2**31 - 1


@bp.get("/people")
def directory():
    query, problem = search_text()
    people = [] if problem else people_search(query)
    return render_template(
        "people/directory.html", people=people, query=query, search_error=problem
    )


@bp.get("/people/<int:user_id>")
def person(user_id: int):
    user = user_by_id(user_id) if user_id <= MAX_ID else None
    if user is None:
        abort(404)
    private = can_reach(current_user, user_id)
    awards, older = feed_page(person_id=user_id, limit=10)
    return render_template(
        "people/person.html",
        person=user,
        figures=person_figures(user_id),
        balances=balances(user_id, clock.utcnow()) if private else None,
        awards=awards,
        older=older,
        kind_names=kind_names(),
    )
