"""A small organisation with awards, and shortcuts to run bonus runs over it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ledger.bonus import rules, services
from ledger.bonus.collect import preview
from ledger.db import db
from ledger.models import BonusRun, User
from ledger.operations import Actor, IdempotencyKey, request_hash
from ledger.reconciliation import verify_ledger
from ledger.services import award_points
from tests.factories import NOW, make_user

SINCE, UNTIL = date(2026, 11, 1), date(2026, 11, 30)


@dataclass
class Org:
    """Ann manages Bob and Cy; Dee (another team) and Ann give them points."""

    admin: User
    ann: User
    bob: User
    cy: User
    dee: User


def build_org() -> Org:
    admin = make_user(role="admin", name="Ada Admin")
    ann = make_user(role="manager", name="Ann Manager")
    bob = make_user(manager=ann.email, name="Bob")
    cy = make_user(manager=ann.email, name="Cy")
    dee = make_user(department="Sales", name="Dee")
    return Org(admin, ann, bob, cy, dee)


def give(giver: User, recipients: list[User], points: int, now=NOW) -> dict:
    return award_points(
        giver=giver.id,
        recipients=[person.id for person in recipients],
        points=points,
        message="Thanks for serving us so well.",
        service_kind="need",
        now=now,
        actor=Actor(giver.id),
    ).document


def draft(creator: User, scope: str | None = None, rule=None, now=NOW, **options) -> dict:
    return services.create_draft(
        scope=scope or f"team:{creator.id}",
        since=options.pop("since", SINCE),
        until=options.pop("until", UNTIL),
        rule=rule or rules.Rule("rate", cents_per_point=10, **options),
        currency=options.pop("currency", "EUR"),
        now=now,
        actor=Actor(creator.id),
    ).document


def user_id(user: User | int) -> int:
    """Accept a User or its id: threads must not touch rows loaded by the test's session."""
    return user if isinstance(user, int) else user.id


def key(user: User | int, name: str, path: str, body: dict | None = None) -> IdempotencyKey:
    return IdempotencyKey(f"user:{user_id(user)}", name, request_hash("POST", path, body or {}))


def version_of(run_id: int) -> str:
    """Return the version a client previewing the run now is shown."""
    run = db.session.get(BonusRun, run_id)
    if run is None:
        return "no-such-run"
    return preview(run, db.session.get(User, run.created_by_id)).digest


def commit(
    user: User | int, run_id: int, name: str | None = None, now=NOW, version: str | None = None
):
    """Commit as a client does: preview the run (unless given the version seen), then commit."""
    version = version or version_of(run_id)
    path = f"/api/v1/bonus-runs/{run_id}/commit"
    idempotency = key(user, name, path, {"version": version}) if name else None
    actor = Actor(user_id(user))
    return services.commit_run(
        run_id, version=version, now=now, actor=actor, idempotency=idempotency
    )


def void(user: User | int, run_id: int, now=NOW):
    return services.void_run(run_id, now=now, actor=Actor(user_id(user)))


def assert_books_reconcile() -> None:
    report = verify_ledger()
    assert report["ok"], report["problems"]
