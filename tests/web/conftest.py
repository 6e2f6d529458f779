"""Web test helpers: a small organisation and clients logged in through the real form."""

from __future__ import annotations

import re

import pytest

from tests.factories import make_user

PASSWORD = "correct horse battery"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
NONCE = re.compile(r'name="nonce"[^>]*value="([^"]+)"')


def token_from(html: str) -> str:
    match = TOKEN.search(html)
    assert match, "the page carries no CSRF token"
    return match.group(1)


class Browser:
    """A test client that logs in through the login form and posts forms with their token."""

    def __init__(self, client) -> None:
        self.client = client

    def request(self, method: str, path: str, **kwargs):
        # A fresh app context per request, as in production: the test's own context would
        # otherwise share `g` (and Flask-Login's cached user) across requests and clients.
        from ledger.db import db

        with self.client.application.app_context():
            response = self.client.open(path, method=method, **kwargs)
        db.session.rollback()  # end the test's own read snapshot so it sees what was written
        return response

    def login(self, email: str, password: str = PASSWORD):
        page = self.request("GET", "/login").get_data(as_text=True)
        return self.request(
            "POST",
            "/login",
            data={"email": email, "password": password, "csrf_token": token_from(page)},
        )

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def html(self, path: str) -> str:
        response = self.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return response.get_data(as_text=True)

    def token(self) -> str:
        return token_from(self.html("/"))

    def post(self, path: str, data: dict | None = None, **kwargs):
        data = {"csrf_token": self.token(), **(data or {})}
        return self.request("POST", path, data=data, **kwargs)


@pytest.fixture
def org(app):
    """A boss over a lead over two engineers, plus a salesperson and an admin."""
    boss = make_user("boss@example.com", name="Bea Boss", role="manager", department="Leadership")
    lead = make_user("lead@example.com", name="Lee Lead", manager=boss.email, role="manager")
    ana = make_user("ana@example.com", name="Ana Alvarez", manager=lead.email)
    ben = make_user("ben@example.com", name="Ben Berg", manager=lead.email)
    sam = make_user("sam@example.com", name="Sam Sales", department="Sales")
    root = make_user("root@example.com", name="Ada Admin", role="admin", department="Leadership")
    return {"boss": boss, "lead": lead, "ana": ana, "ben": ben, "sam": sam, "admin": root}


@pytest.fixture
def browser(app, client):
    return Browser(client)


@pytest.fixture
def as_user(browser, org):
    """Return a function that logs the browser in as one of the org's people."""

    def login(name: str) -> Browser:
        response = browser.login(org[name].email)
        assert response.status_code == 302
        return browser

    return login


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    """Pin the clock the pages pass to the ledger, so periods and days left are known."""
    from tests.factories import NOW

    monkeypatch.setattr("ledger.clock.utcnow", lambda: NOW)
    return NOW


def give(giver, recipients, points=10, kind="handoff", message=None, now=None):
    """Give an award through the service, as setup for a page test."""
    from ledger.operations import Actor
    from ledger.services import award_points
    from tests.factories import NOW

    return award_points(
        giver=giver.id,
        recipients=[person.id for person in recipients],
        points=points,
        message=message or "Thanks for the timely hand-over notes.",
        service_kind=kind,
        now=now or NOW,
        actor=Actor(giver.id),
    ).document
