"""The pages behind the award form, the feed, people, the leaderboard and admin."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Flask, current_app

DIRECTION_LABELS = {"up": "↑ served up", "down": "↓ served down", "lateral": "↔ served across"}
DIRECTION_HINTS = {
    "up": "Served someone above them in the management chain",
    "down": "Served someone who reports to them",
    "lateral": "Served a colleague outside their management chain",
}


def init_app(app: Flask) -> None:
    """Register the page blueprints and the template helpers they share."""
    from web.views import (
        feed,
        give,
        insights,
        leaderboard,
        notifications,
        people,
        recognition,
        requests,
        slack_link,
        unsubscribe,
    )
    from web.views.admin import audit, invitations, kinds, periods, reversals, settings, webhooks
    from web.views.admin import bp as admin_bp
    from web.views.admin import people as admin_people

    pages = (give, feed, people, leaderboard, settings, kinds, periods, admin_people, reversals,
             webhooks, audit, notifications, slack_link, unsubscribe, insights,
             invitations, recognition, requests)  # fmt: skip
    for blueprint in (admin_bp, *(module.bp for module in pages)):
        app.register_blueprint(blueprint)
    app.jinja_env.globals.update(DIRECTION_LABELS=DIRECTION_LABELS, DIRECTION_HINTS=DIRECTION_HINTS)
    app.jinja_env.filters["when"] = when
    app.jinja_env.filters["window"] = window
    app.context_processor(notifications.unread_for_navigation)


def window(since: str | datetime, until: str | datetime) -> str:
    """State a window as its first and last days, both included: `1 Oct 2026 to 31 Oct 2026`."""
    zone = ZoneInfo(current_app.config["BATON_TIMEZONE"])
    start, end = (
        (datetime.fromisoformat(value) if isinstance(value, str) else value).astimezone(zone)
        for value in (since, until)
    )
    # The stored end is the midnight after the last day, so the last day is the one before.
    last = end - timedelta(microseconds=1)
    return f"{start.day} {start:%b %Y} to {last.day} {last:%b %Y} (both days included)"


def when(value: str | datetime | None) -> str:
    """Show a moment in the company's time zone, e.g. `16 Nov 2026, 12:00`."""
    if value is None:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    local = moment.astimezone(ZoneInfo(current_app.config["BATON_TIMEZONE"]))
    return f"{local.day} {local:%b %Y, %H:%M}"
