"""Build a mail from a template pair: plain text plus simple HTML, with the right headers.

Templates live in ledger/mail/templates (`name.txt`, `name.html`); HTML is autoescaped,
and every sentence comes from ledger.messages.say(), so a translation changes no template.
"""

from __future__ import annotations

from dataclasses import dataclass
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from functools import cache
from typing import Any

from flask import current_app
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from ledger.mail.unsubscribe import link_for
from ledger.messages import say

# Long lines are folded only at spaces: the unsubscribe URL must stay one readable header
# (the default 78 would turn it into an encoded word some clients cannot use).
POLICY = policy.default.clone(max_line_length=998)


@dataclass(frozen=True)
class Recipient:
    id: int
    name: str
    email: str
    language: str | None = None


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("ledger.mail", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["say"] = say
    return env


def sender() -> str:
    """BATON_MAIL_FROM, else Baton at the base URL's host."""
    configured = current_app.config.get("BATON_MAIL_FROM")
    if configured:
        return str(configured)
    host = str(current_app.config["BATON_BASE_URL"]).split("://", 1)[-1].split("/")[0]
    return f"Baton <baton@{host.split(':')[0]}>"


def compose(
    template: str,
    to: Recipient,
    subject: str,
    *,
    kind: str | None,
    message_key: str | None = None,
    **values: Any,
) -> EmailMessage:
    """Render `template` for one person; `kind` (a setting) adds the one-click unsubscribe."""
    base = str(current_app.config["BATON_BASE_URL"]).rstrip("/")
    unsubscribe = link_for(to.id, kind) if kind else None
    context = {
        "person": to,
        "language": to.language,
        "base_url": base,
        "settings_url": f"{base}/settings/notifications",
        "unsubscribe_url": unsubscribe,
        "kind": kind,
        "subject": subject,
        **values,
    }
    env = environment()
    message = EmailMessage(policy=POLICY)
    message["Subject"] = subject
    message["From"] = sender()
    message["To"] = Address(display_name=to.name, addr_spec=to.email)
    message["Date"] = formatdate(localtime=False, usegmt=True)
    domain = parseaddr(message["From"])[1].rpartition("@")[2] or "baton.invalid"
    key = f"<{message_key}@{domain}>" if message_key else None
    message["Message-ID"] = key or make_msgid(domain=domain)
    message["Auto-Submitted"] = "auto-generated"
    if unsubscribe:
        # RFC 2369 + RFC 8058: mail clients offer "unsubscribe" and POST to it in one click.
        message["List-Unsubscribe"] = f"<{unsubscribe}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(env.get_template(f"{template}.txt").render(context))
    message.add_alternative(env.get_template(f"{template}.html").render(context), subtype="html")
    return message
