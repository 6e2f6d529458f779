"""The demo's service requests: one relay from asking to an award, and a few still waiting."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from ledger.db import db
from ledger.models import Department, User
from ledger.operations import Actor
from ledger.services.request_close import CloseAward, close_request
from ledger.services.requests import open_request, take_step

RELAY_NEED = (
    "A demo environment with last quarter's data for the Nordlicht pitch on Thursday: "
    "two accounts, the new pricing page switched on."
)
# (customer, provider or None, department or None, need, asked days ago, notice in days)
WAITING = [
    ("Grace Mwangi", "Lena Fischer", None,
     "Export of the support tickets our top five customers opened this year.", 1, 5),
    ("Omar Haddad", None, "Finance",
     "Cost estimate for moving the build servers to the new region.", 1, 2),
    ("Laura Novak", None, "Operations",
     "Badges and desks for the three engineers starting on Monday.", 4, 3),
]  # fmt: skip


def seed_requests(emails: dict[str, str], *, now: datetime, actor: Actor) -> int:
    """Ask, relay and close one request with an award to both providers; leave three
    waiting (one of them overdue). Return how many requests were made."""
    person = _people(emails)
    asked = now - timedelta(days=6)

    def at(hours: float) -> datetime:
        return asked + timedelta(hours=hours)

    def act(name: str) -> Actor:
        return Actor(person[name].id, request_id=actor.request_id)

    hana, sofia, daniel = person["Hana Kim"], person["Sofia Rossi"], person["Daniel Cohen"]
    request_id = open_request(customer=hana.id, need=RELAY_NEED,
                              department=sofia.department_id, due_at=asked + timedelta(days=3),
                              now=asked, actor=act("Hana Kim")).document["id"]  # fmt: skip
    handoff_note = (
        "Both accounts exist and hold last quarter's data. Left: switch on the pricing page "
        "and check the invoices render. Credentials in the team vault."
    )
    steps: list[tuple[str, User, float, dict]] = [
        ("accept", sofia, 2, {"note": "On it; I will set up the accounts."}),
        ("handoff", sofia, 26, {"to": daniel.id, "note": handoff_note}),
        ("deliver", daniel, 60, {"note": "Pricing page is on; the demo script is in the wiki."}),
    ]
    for action, by, hours, extra in steps:
        take_step(request_id, action, by=by.id, now=at(hours), actor=act(by.name), **extra)
    thanks = CloseAward(
        15, "Thank you both: the environment was ready a day early and the hand-off was seamless.",
        "handoff",
    )  # fmt: skip
    close_request(request_id, by=hana.id, note="The pitch went well.", award=thanks,
                  now=at(62), actor=act("Hana Kim"))  # fmt: skip
    for customer, provider, department, need, days_ago, notice in WAITING:
        when = now - timedelta(days=days_ago)
        target = _target(person, provider, department)
        open_request(customer=person[customer].id, need=need, due_at=when + timedelta(days=notice),
                     now=when, actor=act(customer), **target)  # fmt: skip
    return 1 + len(WAITING)


def _people(emails: dict[str, str]) -> dict[str, User]:
    rows = db.session.scalars(select(User).where(User.email.in_(emails.values())))
    by_email = {user.email: user for user in rows}
    return {name: by_email[email] for name, email in emails.items()}


def _target(person: dict[str, User], provider: str | None, department: str | None) -> dict:
    if provider is not None:
        return {"provider": person[provider].id}
    found = db.session.scalar(select(Department.id).where(Department.name == department))
    return {"department": found}
