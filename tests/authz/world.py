"""A small organisation with a session and tokens for every kind of principal."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, select, text

from ledger.clock import utcnow
from ledger.db import db
from ledger.delivery.endpoints import create_webhook
from ledger.delivery.queue import fan_out
from ledger.models import Delivery, Operation
from ledger.operations import Actor
from ledger.services import award_points
from ledger.tokens import create_token, revoke_token
from tests.factories import ADMIN_ACTOR, make_user

PASSWORD = "correct horse battery"
MESSAGE = "Thanks for covering the release on Friday."
_serial = itertools.count(1)

# Mutable business tables and the columns a refused request must leave untouched.
WATCHED = {
    "users": "id, email, name, role, active, manager_id, department_id, password_hash, "
    "session_version, employee_number, kind, slack_user_id, slack_handle, oidc_subject, language, "
    "scim_external_id, scim_deleted_at",
    "departments": "id, name",
    "accounts": "id, balance, version, closed_at",
    "transfers": "id",
    "awards": "id",
    "reversals": "id",
    "periods": "id, closed_at",
    "policies": "id",
    "service_kinds": "id, code, name, description, active",
    "api_tokens": "id, revoked_at",
    "bonus_runs": "*",
    "conversions": "*",
    "webhooks": "id, url, active, disabled_at, deleted_at",
    "deliveries": "id, status, next_attempt_at, attempts, claim_token",
    "notifications": "id, user_id, read_at",
    "notification_settings": "*",
    "slack_links": "id, used_at, used_by_id",
    "password_links": "id, used_at, revoked_at",
}


def serial() -> int:
    return next(_serial)


@dataclass
class World:
    app: object
    ids: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    sessions: dict[str, object] = field(default_factory=dict)

    def snapshot(self) -> dict:
        """Everything a refused request must not change (audit and rejections may)."""
        state = {}
        for table, columns in WATCHED.items():
            rows = db.session.execute(text(f"SELECT {columns} FROM {table} ORDER BY 1")).all()
            state[table] = [tuple(row) for row in rows]
        state["operations_done"] = db.session.scalar(
            select(func.count()).select_from(Operation).where(Operation.status == "done")
        )
        db.session.rollback()
        return state


def build_world(app, client_class) -> World:
    world = World(app)
    admin = make_user("admin@example.com", name="Ada Admin", role="admin", password=PASSWORD)
    m1 = make_user("m1@example.com", name="Mona One", role="manager", password=PASSWORD)
    m2 = make_user("m2@example.com", name="Max Two", role="manager", password=PASSWORD)
    e1 = make_user("e1@example.com", name="Eve One", manager=m1.email, password=PASSWORD)
    e1b = make_user("e1b@example.com", name="Eli One", manager=m1.email, password=PASSWORD)
    e2 = make_user(
        "e2@example.com", name="Ed Two", manager=m2.email, password=PASSWORD, department="Sales"
    )
    service = make_user("bot@example.com", name="Chat Bot", kind="service", password=None)
    target = make_user("x@example.com", name="Xan Target", manager=m2.email)
    world.ids = {
        "A": admin.id,
        "M1": m1.id,
        "M2": m2.id,
        "E1": e1.id,
        "E1b": e1b.id,
        "E2": e2.id,
        "S": service.id,
        "X": target.id,
    }
    now = utcnow()
    hooks = [
        create_webhook(f"https://hooks.example.com/{name}", ["award.created"], now=now,
                       actor=ADMIN_ACTOR)["id"]
        for name in ("webhook", "webhook_del", "webhook_web")
    ]  # fmt: skip
    world.ids.update(webhook=hooks[0], webhook_del=hooks[1], webhook_web=hooks[2])
    award = award_points(
        giver=e2.id,
        recipients=[e1.id],
        points=10,
        message=MESSAGE,
        service_kind="need",
        now=now,
        actor=Actor(e2.id),
    ).document
    world.ids["award"] = award["id"]
    world.ids["award2"] = award_points(
        giver=e1b.id,
        recipients=[e1.id],
        points=5,
        message=MESSAGE,
        service_kind="need",
        now=now,
        actor=Actor(e1b.id),
    ).document["id"]
    for name in ("award3", "award4"):  # for E2 to withdraw, over the API and on the web
        world.ids[name] = award_points(
            giver=e2.id,
            recipients=[e1b.id],
            points=1,
            message=MESSAGE,
            service_kind="need",
            now=now,
            actor=Actor(e2.id),
        ).document["id"]

    def token(name, user_id, scopes, **extra):
        raw, result = create_token(
            user_id,
            name=name,
            scopes=scopes,
            now=extra.pop("now", now),
            actor=ADMIN_ACTOR,
            creator_is_admin=True,
            **extra,
        )
        world.tokens[name] = raw
        return result.document["id"]

    token("tok:E1", e1.id, ["read", "award"])
    token("tok:E2", e2.id, ["read", "award"])
    token("tok:M1", m1.id, ["read", "award", "manage"])
    token("tok:M2", m2.id, ["read", "award", "manage"])
    token("tok:A", admin.id, ["read", "award", "manage", "admin"])
    for scope in ("read", "award", "manage", "admin"):
        token(f"tok:A:{scope}", admin.id, [scope])
    token("tok:S:on-behalf", service.id, ["award", "on-behalf"])
    token(
        "tok:expired",
        admin.id,
        ["read", "award", "manage", "admin"],
        now=now - timedelta(days=3),
        expires_days=1,
    )
    revoked = token("tok:revoked", admin.id, ["read", "award", "manage", "admin"])
    revoke_token(revoked, now=now, actor=ADMIN_ACTOR)
    world.ids["scim_gone"] = make_user("gone@example.com", name="Gone Soon").id  # SCIM DELETE
    fan_out(now)
    world.ids["delivery"] = db.session.scalar(
        select(Delivery.id).where(Delivery.webhook_id == world.ids["webhook"]).limit(1)
    )
    world.ids["own_token_E1"] = token("tok:E1:spare", e1.id, ["read"])

    app.test_client_class = client_class
    for name in ("E1", "E2", "M1", "M2", "A"):
        world.sessions[name] = login(app, email_of(name))
    world.sessions["anonymous"] = app.test_client()
    db.session.remove()
    return world


def email_of(name: str) -> str:
    return "admin@example.com" if name == "A" else f"{name.lower()}@example.com"


def login(app, email: str):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf}
    )
    assert response.status_code == 302, f"could not log in {email}"
    return client
