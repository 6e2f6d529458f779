"""Service map: a department-by-department matrix of points given, so a manager sees which
departments serve which, and which flows go one way only.

A cell (giver's department, recipient's department) holds the points people of the first
gave people of the second: the second served the first. Departments are today's; lines
count when the giver or the recipient is in scope.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased

from ledger.db import db
from ledger.models import AwardLine, Department, Reversal, User
from ledger.queries.insights.reach import InsightScope

NONE = {"id": None, "name": "No department"}


def service_map(scope: InsightScope) -> dict[str, Any]:
    """Return the departments involved, the matrix of points and awards, and the flows."""
    giver, recipient = aliased(User), aliased(User)
    line = AwardLine
    query = (
        select(giver.department_id, recipient.department_id, func.sum(line.points),
               func.count(func.distinct(line.award_id)))
        .select_from(line)
        .join(giver, giver.id == line.giver_id)
        .join(recipient, recipient.id == line.recipient_id)
        .outerjoin(Reversal, Reversal.award_id == line.award_id)
        .where(Reversal.id.is_(None), line.created_at >= scope.window.since,
               line.created_at < scope.window.until)
        .group_by(giver.department_id, recipient.department_id)
    )  # fmt: skip
    if scope.members is not None:
        ids = sorted(scope.members) or [0]
        query = query.where(or_(line.giver_id.in_(ids), line.recipient_id.in_(ids)))
    cells = {
        (a, b): (int(points), int(awards)) for a, b, points, awards in db.session.execute(query)
    }
    involved = {key for pair in cells for key in pair}
    names = {
        d.id: d.name
        for d in db.session.scalars(select(Department).where(Department.id.in_(involved - {None})))
    }
    order = sorted(involved, key=lambda key: (key is None, names.get(key, ""), key or 0))
    departments = [{"id": key, "name": names[key]} if key else NONE for key in order]
    matrix = [[cells.get((a, b), (0, 0))[0] for b in order] for a in order]
    awards = [[cells.get((a, b), (0, 0))[1] for b in order] for a in order]
    flows = []
    for i in range(len(order)):
        for j in range(i + 1, len(order)):
            there, back = matrix[i][j], matrix[j][i]
            if there or back:
                flows.append({
                    "departments": [departments[i], departments[j]],
                    "points": [there, back],
                    "way": "two-way" if there and back else "one-way",
                })  # fmt: skip
    flows.sort(key=lambda flow: -sum(flow["points"]))
    return {
        "scope": scope.scope,
        "since": scope.window.since,
        "until": scope.window.until,
        "departments": departments,
        "points": matrix,
        "awards": awards,
        "top": max((value for row in matrix for value in row), default=0),
        "flows": flows,
    }
