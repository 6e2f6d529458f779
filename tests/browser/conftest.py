"""A live Baton on a seeded SQLite file and one Debian Chromium for the whole session."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from tests.databases import migrate, skip_or_fail
from tests.factories import make_app

CHROMIUM = "/usr/bin/chromium"
REQUIRE_BROWSER = os.environ.get("BATON_REQUIRE_BROWSER") == "1"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "build" / "screenshots"
AXE = ROOT / "web" / "static" / "vendor" / "axe-core-4.14.1" / "axe.min.js"
EMPLOYEE = "lena.fischer@baton.example"
MANAGER = "omar.haddad@baton.example"
ADMIN = "maya.lindqvist@baton.example"
PASSWORD = "baton-demo"
WAIT_MS = 10_000


class LiveServer:
    """Serve an app from a thread; `stop` shuts it down and waits for the thread."""

    def __init__(self, app) -> None:
        from werkzeug.serving import make_server

        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)
        self.server.server_close()


@pytest.fixture(scope="session")
def chromium_path():
    if not Path(CHROMIUM).exists():
        skip_or_fail(
            f"browser tests need {CHROMIUM}: apt-get install -y --no-install-recommends chromium",
            REQUIRE_BROWSER,
        )
    return CHROMIUM


@pytest.fixture(scope="session")
def live(chromium_path, tmp_path_factory):
    """Baton with the demo organisation, served on a free port of 127.0.0.1."""
    from ledger.clock import utcnow
    from ledger.demo import seed_demo
    from ledger.operations import Actor
    from ledger.queries.people import user_by_email
    from ledger.services import top_up

    url = f"sqlite:///{tmp_path_factory.mktemp('browser')}/baton.sqlite3"
    migrate(url)
    app = make_app(url, TESTING=False)
    with app.app_context():
        seed_demo(now=utcnow())
        # The seeded month may have used the allowance up; the scenarios need room to give.
        for email in (EMPLOYEE, MANAGER):
            top_up(
                user_by_email(email).id,
                points=5000,
                reason="browser tests",
                now=utcnow(),
                actor=Actor(None, request_id="browser-tests"),
            )
    server = LiveServer(app)
    yield server
    server.stop()
    with app.app_context():
        from ledger.db import db

        db.engine.dispose()


@pytest.fixture(scope="session")
def chromium(chromium_path):
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=chromium_path, args=ARGS)
    yield browser
    browser.close()
    playwright.stop()


class Watched:
    """A page whose console errors, page errors, failed requests and dialogs are recorded."""

    def __init__(self, page, base: str) -> None:
        self.page = page
        self.base = base
        self.problems: list[str] = []
        self.dialogs: list[str] = []
        self.refused_pages: set[int] = set()
        page.set_default_timeout(WAIT_MS)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)
        page.on("dialog", self._dialog)

    def _console(self, message) -> None:
        text = message.text
        # Chromium logs every 4xx document; a refused form is meant to answer one.
        if text.startswith("Failed to load resource") and any(
            f"status of {status} " in text for status in self.refused_pages
        ):
            return
        if message.type in {"error", "warning"}:
            self.problems.append(f"console {message.type}: {text}")

    def _failed(self, request) -> None:
        # A navigation cancels what the previous page was still fetching (the favicon, say).
        if "ERR_ABORTED" not in (request.failure or ""):
            self.problems.append(f"failed: {request.url} ({request.failure})")

    def _response(self, response) -> None:
        # Forms that are meant to be refused answer 4xx pages; assets must never fail.
        if response.status >= 400 and response.request.resource_type == "document":
            self.refused_pages.add(response.status)
        elif response.status >= 400:
            self.problems.append(f"{response.status}: {response.url}")

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def goto(self, path: str):
        return self.page.goto(self.base + path, wait_until="load")

    def login(self, email: str, password: str = PASSWORD, remember: bool = False) -> None:
        self.goto("/login")
        self.page.fill("#email", email)
        self.page.fill("#password", password)
        if remember:
            self.page.check("#remember")
        with self.page.expect_navigation(timeout=WAIT_MS):
            self.page.click("button[type=submit]")

    def screenshot(self, name: str, *, full_page: bool = True) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


@pytest.fixture
def context(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    yield context
    context.close()


@pytest.fixture
def watched(context, live):
    return Watched(context.new_page(), live.url)


def count_awards(app, message: str) -> int:
    """Count the awards that carry this exact message."""
    from sqlalchemy import func, select

    from ledger.db import db
    from ledger.models import Award

    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(Award).where(Award.message == message)
        )
