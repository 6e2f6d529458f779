"""Error pages for people: what happened and what to do next, in their language."""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from ledger.errors import LedgerError, http_status
from ledger.i18n import translated
from web.i18n import browser_language

RETRY_AFTER_SECONDS = "5"

# Werkzeug's names for the statuses (as English pages always showed them), translatable.
TITLES = {
    400: _l("Bad Request"),
    403: _l("Forbidden"),
    404: _l("Not Found"),
    405: _l("Method Not Allowed"),
    413: _l("Request Entity Too Large"),
    429: _l("Too Many Requests"),
    500: _l("Internal Server Error"),
}
ADVICE = {
    400: _l("The form was stale or incomplete. Go back, reload the page and try again."),
    403: _l("You do not have access to this page. Ask an admin if you think you should."),
    404: _l("There is nothing here. Check the address, or start again from the home page."),
    405: _l("This page cannot be used that way. Start again from the home page."),
    413: _l("What you sent is too large. Send a smaller file."),
    429: _l("Too many attempts. Wait a minute, then try again."),
}


def html_error(error: HTTPException):
    status = error.code or 500
    response = (
        render_template(
            "error.html",
            status=status,
            title=TITLES.get(status, error.name),
            advice=ADVICE.get(status, _l("Please try again in a moment.")),
        ),
        status,
    )
    return response


def html_ledger_error(error: LedgerError):
    status = http_status(error.code)
    if status == 503:
        return unavailable_page()
    return render_template(
        "error.html", status=status, title=_("That did not work"), advice=translated(error.message)
    ), status


def unavailable_page():
    """Say that Baton is briefly unavailable, without a query (the database may be down)."""
    # Rendered without the context processors: Flask-Login's would load the signed-in person,
    # and so would choosing their language, so the browser's language is used.
    with force_locale(browser_language()):
        page = current_app.jinja_env.get_template("unavailable.html").render()
    return page, 503, {"Retry-After": RETRY_AFTER_SECONDS}
