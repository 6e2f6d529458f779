"""Insight documents as CSV rows (a header and lists of cells), for the API and the web alike.

The cells go through ledger.export, which keeps a spreadsheet from reading any as a formula.
"""

from __future__ import annotations

from typing import Any

from ledger.queries.people import employee_numbers
from ledger.rules import DIRECTIONS

SHARES = ("people", "gave", "received", "gave_share", "received_share")
BUDGET = ("granted", "spent", "expired", "left")
FIGURES = ["points", "awards", "customers", *(f"{d}_points" for d in DIRECTIONS),
           *(f"{d}_awards" for d in DIRECTIONS), "cross_department_points",
           "cross_department_awards", "cross_department_share"]  # fmt: skip


def service_mix_rows(mix: dict[str, Any], group: str) -> tuple[list[str], list[list]]:
    """Return the CSV header and rows of one level of a service mix (people, teams, ...)."""
    kinds = sorted({kind for row in mix[group] for kind in row["by_kind"]})
    kind_columns = [f"kind_{kind}_points" for kind in kinds]
    if group == "people":
        numbers = employee_numbers([row["user"]["id"] for row in mix["people"]])
        header = ["employee_id", "user_id", "name", "email", "department", "manager", "notes"]
        rows = [
            [numbers[row["user"]["id"]], row["user"]["id"], row["user"]["name"],
             row["user"]["email"], _name(row["department"]), _name(row["manager"]),
             " ".join(row["notes"])]
            for row in mix["people"]
        ]  # fmt: skip
    elif group == "teams":
        header = ["manager_id", "manager", "people"]
        rows = [
            [row["manager"]["id"] if row["manager"] else "", _name(row["manager"]), row["people"]]
            for row in mix["teams"]
        ]
    else:
        header = ["department_id", "department", "people"]
        rows = [
            [row["department"]["id"] if row["department"] else "", _name(row["department"]),
             row["people"]]
            for row in mix["departments"]
        ]  # fmt: skip
    for cells, row in zip(rows, mix[group], strict=True):
        cells += _figures(row) + [row["by_kind"].get(kind, 0) for kind in kinds]
    return header + FIGURES + kind_columns, rows


def _figures(row: dict[str, Any]) -> list:
    cross = row["cross_department"]
    return [
        row["points"], row["awards"], row["customers"],
        *(row["by_direction"][d] for d in DIRECTIONS),
        *(row["awards_by_direction"][d] for d in DIRECTIONS),
        cross["points"], cross["awards"], cross["share"],
    ]  # fmt: skip


def _name(reference: dict | None) -> str:
    return reference["name"] if reference else ""


def unrecognized_rows(found: dict[str, Any], group: str) -> tuple[list[str], list[list]]:
    """Return the CSV header and rows of the unrecognized or the silent list."""
    last = "last_recognized_at" if group == "unrecognized" else "last_given_at"
    numbers = employee_numbers([row["user"]["id"] for row in found[group]])
    header = ["employee_id", "user_id", "name", "email", "department", "manager", "joined_at",
              last]  # fmt: skip
    rows = [
        [numbers[row["user"]["id"]], row["user"]["id"], row["user"]["name"], row["user"]["email"],
         _name(row["department"]), _name(row["manager"]), _iso(row["joined_at"]), _iso(row[last])]
        for row in found[group]
    ]  # fmt: skip
    return header, rows


def _iso(moment) -> str:
    return moment.isoformat() if moment is not None else ""


def reciprocity_rows(found: dict[str, Any]) -> tuple[list[str], list[list]]:
    """Return one CSV row per flagged pair or ring, its people named in order."""
    header = ["kind", "people", "user_ids", "awards", "points", "shares", "round_trips"]
    rows = []
    for kind in ("pairs", "rings"):
        for row in found[kind]:
            rows.append([
                kind[:-1], " → ".join(p["name"] for p in row["people"]),
                " ".join(str(p["id"]) for p in row["people"]),
                " ".join(map(str, row["awards"])), " ".join(map(str, row["points"])),
                " ".join(map(str, row["shares"])), row.get("round_trips", ""),
            ])  # fmt: skip
    return header, rows


def service_map_rows(found: dict[str, Any]) -> tuple[list[str], list[list]]:
    """Return one CSV row per pair of departments with points between them (long form)."""
    header = ["giver_department_id", "giver_department", "recipient_department_id",
              "recipient_department", "points", "awards"]  # fmt: skip
    departments = found["departments"]
    rows = [
        [giver["id"] or "", giver["name"], recipient["id"] or "", recipient["name"],
         found["points"][i][j], found["awards"][i][j]]
        for i, giver in enumerate(departments)
        for j, recipient in enumerate(departments)
        if found["points"][i][j]
    ]  # fmt: skip
    return header, rows


def participation_rows(found: dict[str, Any], group: str) -> tuple[list[str], list[list]]:
    """Return one CSV row per team, per department, or per period of the trend."""
    if group == "teams":
        header = ["period", "manager_id", "manager"]
        lead = [[found["period"], row["manager"]["id"] if row["manager"] else "",
                 _name(row["manager"])] for row in found["teams"]]  # fmt: skip
    elif group == "departments":
        header = ["period", "department_id", "department"]
        lead = [[found["period"], row["department"]["id"] if row["department"] else "",
                 _name(row["department"])] for row in found["departments"]]  # fmt: skip
    else:
        header = ["period"]
        lead = [[row["period"]] for row in found["trend"]]
    rows = [
        [*cells, *(row[k] for k in SHARES), *(row["allowance"][k] for k in BUDGET)]
        for cells, row in zip(lead, found[group], strict=True)
    ]
    return header + list(SHARES) + [f"allowance_{k}" for k in BUDGET], rows
