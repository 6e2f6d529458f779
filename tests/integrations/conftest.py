"""Slack fixtures: an app that knows a signing secret, and a client that signs like Slack."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import time
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select, update

from ledger.db import db
from ledger.models import Account, Award, AwardLine, Notification, Operation, SlackLink, User
from tests.factories import make_user

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
PATH = "/integrations/slack/commands"
_triggers = itertools.count(1)


def sign(body: bytes, timestamp: int, secret: str = SECRET) -> str:
    """Sign as Slack does: v0= hex HMAC-SHA256 of `v0:{timestamp}:{body}`."""
    base = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def command_body(text: str, user_id: str = "UGIVER1", **fields) -> bytes:
    """A slash command body as Slack sends it, with a fresh trigger id."""
    form = {
        "token": "deprecated-verification-token",
        "team_id": "T0001",
        "team_domain": "example",
        "channel_id": "C0001",
        "channel_name": "general",
        "user_id": user_id,
        "user_name": fields.pop("user_name", "giver"),
        "command": "/baton",
        "text": text,
        "api_app_id": "A0001",
        "response_url": "https://hooks.slack.invalid/commands/T0001/1/abc",
        "trigger_id": f"{next(_triggers)}.1.abc",
        **fields,
    }
    return urlencode(form).encode()


class Slack:
    """Post slash commands the way Slack does, signed (or not) as a test needs."""

    def __init__(self, client) -> None:
        self.client = client

    def post(self, body: bytes, *, timestamp: int | None = None, signature=None, headers=None):
        timestamp = int(time.time()) if timestamp is None else timestamp
        sent = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": str(timestamp),
            "X-Slack-Signature": signature if signature is not None else sign(body, timestamp),
            **(headers or {}),
        }
        response = self.client.post(PATH, data=body, headers=sent)
        db.session.rollback()  # end the test's read snapshot so it sees what was written
        return response

    def say(self, text: str, user_id: str = "UGIVER1", **fields):
        """Send a correctly signed command and return Slack's answer text."""
        response = self.post(command_body(text, user_id, **fields))
        assert response.status_code == 200, response.get_data(as_text=True)
        answer = response.get_json()
        assert answer["response_type"] == "ephemeral"
        return answer["text"]


@pytest.fixture
def slack(app, client):
    app.config["BATON_SLACK_SIGNING_SECRET"] = SECRET
    return Slack(client)


@pytest.fixture
def people(app):
    """A linked giver, Ann (linked, handle `ann`), Bob (only an email), and others."""
    giver = make_user("kwame@example.com", name="Kwame Mensah")
    ann = make_user("ann.lee@example.com", name="Ann Lee")
    bob = make_user("bob@example.com", name="Bob Ray")
    twin1 = make_user("sam@example.com", name="Sam One")
    twin2 = make_user("sam@example.org", name="Sam Two")
    unlinked = make_user("una@example.com", name="Una Linked-Not")
    link(giver, "UGIVER1", "kwame")
    link(ann, "UANN1", "ann")
    return {"giver": giver, "ann": ann, "bob": bob, "twin1": twin1, "twin2": twin2,
            "unlinked": unlinked}  # fmt: skip


def link(user, slack_user_id: str, handle: str | None = None) -> None:
    db.session.execute(
        update(User)
        .where(User.id == user.id)
        .values(slack_user_id=slack_user_id, slack_handle=handle)
    )
    db.session.commit()


def state() -> dict:
    """What a refused request must leave as it was."""
    counts = {
        model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Award, AwardLine, Notification, SlackLink)
    }
    counts["operations_done"] = db.session.scalar(
        select(func.count()).select_from(Operation).where(Operation.status == "done")
    )
    counts["accounts"] = db.session.execute(
        select(Account.id, Account.balance).order_by(Account.id)
    ).all()
    db.session.rollback()
    return counts
