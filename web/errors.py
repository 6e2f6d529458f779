"""Error pages for people: what happened and what to do next."""

from __future__ import annotations

from flask import current_app, render_template
from werkzeug.exceptions import HTTPException

from ledger.errors import LedgerError, http_status

RETRY_AFTER_SECONDS = "5"

ADVICE = {
    400: "The form was stale or incomplete. Go back, reload the page and try again.",
    403: "You do not have access to this page. Ask an admin if you think you should.",
    404: "There is nothing here. Check the address, or start again from the home page.",
    405: "This page cannot be used that way. Start again from the home page.",
    413: "What you sent is too large. Send a smaller file.",
    429: "Too many attempts. Wait a minute, then try again.",
}


def html_error(error: HTTPException):
    status = error.code or 500
    response = (
        render_template(
            "error.html",
            status=status,
            title=error.name,
            advice=ADVICE.get(status, "Please try again in a moment."),
        ),
        status,
    )
    return response


def html_ledger_error(error: LedgerError):
    status = http_status(error.code)
    if status == 503:
        return unavailable_page()
    return render_template(
        "error.html", status=status, title="That did not work", advice=error.message
    ), status


def unavailable_page():
    """Say that Baton is briefly unavailable, without a query (the database may be down)."""
    # Rendered without the context processors: Flask-Login's would load the signed-in person.
    page = current_app.jinja_env.get_template("unavailable.html").render()
    return page, 503, {"Retry-After": RETRY_AFTER_SECONDS}
