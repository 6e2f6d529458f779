"""One-click unsubscribe (RFC 8058): the signed link in a mail turns its kind off, no login.

GET shows a confirmation page (link scanners and previews GET links, so GET changes
nothing); POST turns the kind off. Mail clients POST `List-Unsubscribe=One-Click` to the
same URL. The signed token is the credential, so the route needs no session or CSRF token.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from ledger import clock
from ledger.mail.unsubscribe import person_for, unsubscribe
from ledger.messages import say
from ops.observe import current_request_id

bp = Blueprint("unsubscribe", __name__)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def confirm(token: str):
    found = person_for(token)
    if found is None:
        abort(404)
    user_id, name, kind = found
    what = say(f"unsubscribe.kind.{kind}")
    if request.method == "POST":
        unsubscribe(user_id, kind, now=clock.utcnow(), request_id=current_request_id())
        return render_template("mail/unsubscribed.html", what=what)
    return render_template("mail/unsubscribe.html", what=what, name=name)
