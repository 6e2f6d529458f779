"""Service mix: what the people, teams and departments of a scope received, and from whom.

Points and awards by direction (up to a manager, down to a report, lateral to a colleague),
the cross-department part, service kinds and distinct internal customers, so that a manager
sees who serves only upward, who serves peers, and who other teams value while their own
managers have not recognized them.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import case, func, select

from ledger.db import db
from ledger.documents import user_reference
from ledger.models import AwardLine, Department, User
from ledger.queries.insights.reach import InsightScope
from ledger.rules import DIRECTIONS

LEVELS = ("people", "teams", "departments")
# Why a person stands out; the web page explains each in words.
NOTES = ("only_up", "unseen_by_managers")


def service_mix(scope: InsightScope) -> dict[str, Any]:
    """Return the scope's service mix per person, per team (by manager) and per department."""
    line = AwardLine
    keys = {
        "people": line.recipient_id,
        "teams": User.manager_id,
        "departments": User.department_id,
    }
    figures = {level: _grouped(scope, key) for level, key in keys.items()}
    kinds = _kinds_by_person(scope)
    users = _users(set(figures["people"]) | (set(figures["teams"]) - {None}))
    members = scope.people()
    head_count: dict[str, dict] = {"teams": defaultdict(int), "departments": defaultdict(int)}
    for person in members:
        head_count["teams"][person.manager_id] += 1
        head_count["departments"][person.department_id] += 1

    for level in ("teams", "departments"):  # groups in scope that received nothing show too
        for key in head_count[level].keys() - figures[level].keys():
            figures[level][key] = _figures(None)
    users.update(_users(set(figures["teams"]) - set(users) - {None}))

    people = []
    for user_id, row in figures["people"].items():
        person = users[user_id]
        people.append(
            {
                "user": user_reference(person),
                "department": _department(person.department),
                "manager": user_reference(users[person.manager_id])
                if person.manager_id in users
                else None,
                **row,
                "by_kind": dict(sorted(kinds[user_id].items())),
                "notes": _notes(row),
            }
        )
    teams = []
    for manager_id, row in figures["teams"].items():
        teams.append(
            {
                "manager": user_reference(users[manager_id]) if manager_id else None,
                "people": head_count["teams"].get(manager_id, 0),
                **row,
                "by_kind": _sum_kinds(
                    kinds, (p for p in figures["people"] if users[p].manager_id == manager_id)
                ),
            }
        )
    names = {d.id: d.name for d in db.session.scalars(select(Department))}
    departments = []
    for department_id, row in figures["departments"].items():
        departments.append(
            {
                "department": {"id": department_id, "name": names[department_id]}
                if department_id
                else None,
                "people": head_count["departments"].get(department_id, 0),
                **row,
                "by_kind": _sum_kinds(
                    kinds,
                    (p for p in figures["people"] if users[p].department_id == department_id),
                ),
            }
        )
    return {
        "scope": scope.scope,
        "since": scope.window.since,
        "until": scope.window.until,
        "people": sorted(people, key=lambda r: (-r["points"], r["user"]["name"], r["user"]["id"])),
        "teams": sorted(teams, key=lambda r: (-r["points"], _name(r["manager"]))),
        "departments": sorted(departments, key=lambda r: (-r["points"], _name(r["department"]))),
    }


def _grouped(scope: InsightScope, key) -> dict[int | None, dict[str, Any]]:
    line = AwardLine
    cross = line.cross_department.is_(True)
    columns = [
        key.label("key"),
        func.sum(line.points).label("points"),
        func.count(func.distinct(line.award_id)).label("awards"),
        func.count(func.distinct(line.giver_id)).label("customers"),
        func.sum(case((cross, line.points), else_=0)).label("cross_points"),
        func.count(func.distinct(case((cross, line.award_id)))).label("cross_awards"),
    ]
    for name in DIRECTIONS:
        picked = line.direction == name
        columns.append(func.sum(case((picked, line.points), else_=0)).label(f"{name}_points"))
        columns.append(func.count(func.distinct(case((picked, line.award_id)))).label(f"{name}_n"))
    query = select(*columns).select_from(line).join(User, User.id == line.recipient_id)
    rows = db.session.execute(scope.received(query).group_by(key)).all()
    return {row.key: _figures(row) for row in rows}


def _figures(row) -> dict[str, Any]:
    if row is None:
        zero = dict.fromkeys(DIRECTIONS, 0)
        return {"points": 0, "awards": 0, "customers": 0, "by_direction": zero,
                "awards_by_direction": dict(zero),
                "cross_department": {"points": 0, "awards": 0, "share": 0.0}}  # fmt: skip
    points, cross = int(row.points), int(row.cross_points)
    return {
        "points": points,
        "awards": int(row.awards),
        "customers": int(row.customers),
        "by_direction": {name: int(getattr(row, f"{name}_points")) for name in DIRECTIONS},
        "awards_by_direction": {name: int(getattr(row, f"{name}_n")) for name in DIRECTIONS},
        "cross_department": {
            "points": cross,
            "awards": int(row.cross_awards),
            "share": round(cross / points, 4) if points else 0.0,
        },
    }


def _kinds_by_person(scope: InsightScope) -> dict[int, dict[str, int]]:
    line = AwardLine
    query = select(line.recipient_id, line.service_kind, func.sum(line.points)).select_from(line)
    query = scope.received(query).group_by(line.recipient_id, line.service_kind)
    kinds: dict[int, dict[str, int]] = defaultdict(dict)
    for recipient_id, kind, points in db.session.execute(query):
        kinds[recipient_id][kind] = int(points)
    return kinds


def _sum_kinds(kinds: dict[int, dict[str, int]], people) -> dict[str, int]:
    total: dict[str, int] = defaultdict(int)
    for person in people:
        for kind, points in kinds[person].items():
            total[kind] += points
    return dict(sorted(total.items()))


def _notes(row: dict[str, Any]) -> list[str]:
    notes = []
    up = row["by_direction"]["up"]
    if row["points"] and up == row["points"]:
        notes.append("only_up")
    if not up and row["cross_department"]["points"]:
        notes.append("unseen_by_managers")
    return notes


def _users(ids: set[int]) -> dict[int, User]:
    if not ids:
        return {}
    return {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(ids)))}


def _department(department: Department | None) -> dict[str, Any] | None:
    return {"id": department.id, "name": department.name} if department else None


def _name(reference: dict | None) -> str:
    return reference["name"] if reference else ""
