"""The pages behind the award form, the feed, people, the leaderboard and admin."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

DIRECTION_LABELS = {"up": _l("↑ served up"), "down": _l("↓ served down"),
                    "lateral": _l("↔ served across")}  # fmt: skip
DIRECTION_HINTS = {
    "up": _l("Served someone above them in the management chain"),
    "down": _l("Served someone who reports to them"),
    "lateral": _l("Served a colleague outside their management chain"),
}


def init_app(app: Flask) -> None:
    """Register the page blueprints and the template helpers they share."""
    from web.views import (
        award_actions,
        feed,
        give,
        insights,
        language,
        leaderboard,
        notifications,
        people,
        recognition,
        slack_link,
        unsubscribe,
    )
    from web.views.admin import (
        audit,
        invitations,
        kinds,
        periods,
        reversals,
        settings,
        sso,
        webhooks,
    )
    from web.views.admin import bp as admin_bp
    from web.views.admin import people as admin_people

    pages = (give, feed, people, leaderboard, settings, kinds, periods, admin_people, reversals,
             webhooks, audit, notifications, slack_link, unsubscribe, insights,
             invitations, recognition, language, award_actions, sso)  # fmt: skip
    for blueprint in (admin_bp, *(module.bp for module in pages)):
        app.register_blueprint(blueprint)
    app.jinja_env.globals.update(DIRECTION_LABELS=DIRECTION_LABELS, DIRECTION_HINTS=DIRECTION_HINTS)
    app.context_processor(notifications.unread_for_navigation)
