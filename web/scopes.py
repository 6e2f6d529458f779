"""One vocabulary for the groups people rank and pay: the same names on every page."""

from __future__ import annotations

from flask import Flask
from flask_babel import gettext
from flask_login import current_user

from ledger.i18n import N_
from ledger.queries.people import departments, user_by_id

COMPANY = N_("The whole company")
PEERS = N_("My peers (people who share my manager)")
UNDER_ME = N_("Everyone under me")


def scope_label(scope: str) -> str:
    """Name a scope as people read it, never as a raw id: `team:7` is `Everyone under Ann`."""
    kind, _, number = (scope or "").partition(":")
    if kind == "company":
        return gettext(COMPANY)
    if kind == "team" and not number:
        return gettext(PEERS)
    if kind == "team" and number.isdigit():
        if current_user.is_authenticated and int(number) == current_user.id:
            return gettext(UNDER_ME)
        person = user_by_id(int(number))
        return gettext("Everyone under %(name)s", name=person.name) if person else scope
    if kind == "department" and not number:
        if not current_user.department_id:
            return gettext("My department (none)")
        return gettext("My department (%(name)s)", name=current_user.department.name)
    if kind == "department" and number.isdigit():
        names = {d["id"]: d["name"] for d in departments()}
        return department_label(names.get(int(number), number))
    return scope


def department_label(name: str) -> str:
    """Name another department as a scope: `Department: Sales`."""
    return gettext("Department: %(name)s", name=name)


def own_scopes(manage: bool) -> list[str]:
    """The groups every viewer may rank: the company, their department and peers, and with
    `manage` everyone under them."""
    scopes = ["company"]
    if current_user.department_id:
        scopes.append("department")
    scopes.append("team")
    if manage:
        scopes.append(f"team:{current_user.id}")
    return scopes


def init_app(app: Flask) -> None:
    """Offer the label to templates as the `scope_label` filter."""
    app.jinja_env.filters["scope_label"] = scope_label
