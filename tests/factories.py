"""Build apps, people and awards for tests through the real services."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime

from flask import Flask

from ledger.operations import Actor

NOW = datetime(2026, 11, 16, 12, 0, tzinfo=UTC)
ADMIN_ACTOR = Actor(None, request_id="test")
_counter = itertools.count(1)
# Parallel xdist workers share one Redis: each process counts its rate limits under its own keys.
PROCESS_KEY_PREFIX = f"test-{uuid.uuid4().hex}"


def make_app(url: str, **overrides) -> Flask:
    from wsgi import create_app

    options = {"pool_pre_ping": True}
    if url.startswith("postgresql"):
        options.update(pool_size=40, max_overflow=20, pool_timeout=30)
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": options,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",  # scrypt costs ~100 ms a hash
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",  # explicit, as the production profile requires
        "BATON_RATELIMIT_KEY_PREFIX": PROCESS_KEY_PREFIX,
        "BATON_TIMEZONE": "UTC",
        # Mail tests switch it on (tests/mail); elsewhere workers would log a mail per award.
        "BATON_MAIL_NOTIFICATIONS": "0",
    }
    config.update(overrides)
    return create_app(config)


def make_user(
    email: str | None = None,
    *,
    name: str | None = None,
    manager: str | None = None,
    department: str | None = "Engineering",
    role: str = "employee",
    kind: str = "person",
    password: str | None = "correct horse battery",
    now: datetime = NOW,
):
    """Create a person through the service and return the User row."""
    from ledger.queries.people import user_by_id
    from ledger.services.directory import create_user

    number = next(_counter)
    email = email or f"person{number}@example.com"
    result = create_user(
        email,
        name=name or f"Person {number}",
        manager=manager,
        department=department,
        role=role,
        kind=kind,
        password=password,
        now=now,
        actor=ADMIN_ACTOR,
    )
    return user_by_id(result.document["id"])


def make_award(
    giver,
    recipients,
    *,
    points: int = 10,
    now: datetime = NOW,
    message: str = "Thanks for the thorough review.",
    kind: str = "need",
) -> dict:
    """Give an award through the service and return its document."""
    from ledger.services import award_points

    return award_points(giver=giver.id, recipients=[person.id for person in recipients],
                        points=points, message=message, service_kind=kind, now=now,
                        actor=Actor(giver.id)).document  # fmt: skip
