"""Mail: composed from templates, sent by the worker through SMTP (or to the log).

Other code asks for a mail with the functions below; they only write an outbox event, so
they are safe inside a transaction and the worker sends the mail after the commit, with
retries. Pass the operation's context (`ctx`) from inside `run_operation` so the mail goes
out only if that operation commits.
"""

from __future__ import annotations

from typing import Any

from ledger import clock
from ledger.db import write_transaction
from ledger.delivery.secrets import MAIL_LINKS, seal
from ledger.outbox import Event, append

INVITATION = "mail.invitation"
PASSWORD_LINK = "mail.password_link"  # noqa: S105  (an event type, not a password)


def send_invitation(person: Any, link: str, ctx: Any = None) -> None:
    """Mail `person` (a User) an invitation with the link that sets their first password."""
    _ask(INVITATION, person, link, ctx)


def send_password_link(person: Any, link: str, ctx: Any = None) -> None:
    """Mail `person` (a User) a link to set a new password."""
    _ask(PASSWORD_LINK, person, link, ctx)


def password_link_event(person: Any, link: str) -> Event:
    """Return the event that mails `person` a password link, for a caller's own transaction."""
    return _event(PASSWORD_LINK, person, link)


def _event(type_: str, person: Any, link: str) -> Event:
    # The outbox keeps events for good: the link (a password-setting secret) is sealed in it.
    data = {"user": person.reference(), "sealed_link": seal(link, MAIL_LINKS)}
    return Event(type_, data, "user", person.id)


def _ask(type_: str, person: Any, link: str, ctx: Any) -> None:
    event = _event(type_, person, link)
    if ctx is not None:
        ctx.emit(event.type, event.data, event.object_type, event.object_id)
        return
    now = clock.utcnow()
    write_transaction(lambda: append([event], now=now))
