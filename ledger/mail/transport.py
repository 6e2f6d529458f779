"""Hand a composed mail to the SMTP server of BATON_SMTP_URL, or to the log without one.

`smtp://user:pass@host:port` (port 587 when left out) upgrades with STARTTLS whenever the
server offers it; `smtps://` speaks TLS from the first byte (port 465). A password is sent
only over TLS, or to a server on this machine. Every step has a timeout.
"""

from __future__ import annotations

import ipaddress
import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from flask import current_app

from ledger.config import is_production

log = logging.getLogger("baton.mail")
TIMEOUT = 10.0


class MailRefused(Exception):
    """The server refused this mail for good (a 5xx answer): retrying cannot help."""


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    implicit_tls: bool
    user: str | None
    password: str | None


def server(url: str | None) -> Server | None:
    """Read BATON_SMTP_URL; None when mail is not configured; ValueError when unreadable."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("BATON_SMTP_URL must look like smtp://user:password@host:port")
    implicit = parts.scheme == "smtps"
    return Server(
        host=parts.hostname,
        port=parts.port or (465 if implicit else 587),
        implicit_tls=implicit,
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def deliver(message: EmailMessage) -> None:
    """Send one mail now (the worker calls this outside any transaction).

    Raises MailRefused for a permanent refusal, smtplib.SMTPException or OSError otherwise.
    """
    target = server(current_app.config.get("BATON_SMTP_URL"))
    if target is None and is_production(current_app):
        # Never into a production log: a mail may hold a password link.
        raise MailRefused("BATON_SMTP_URL is not set: production sends no mail without it.")
    if target is None:
        # Development without SMTP: the mail goes to the log, readable in the worker's output.
        body = message.get_body(("plain",))
        log.info(
            "Mail (not sent, BATON_SMTP_URL is unset) to %s: %s\n%s",
            message["To"],
            message["Subject"],
            body.get_content() if body else "",
        )
        return
    context = ssl.create_default_context()
    if target.implicit_tls:
        connection: smtplib.SMTP = smtplib.SMTP_SSL(
            target.host, target.port, timeout=TIMEOUT, context=context
        )
    else:
        connection = smtplib.SMTP(target.host, target.port, timeout=TIMEOUT)
    with connection as smtp:
        smtp.ehlo()
        secure = target.implicit_tls
        if not secure and smtp.has_extn("starttls"):
            smtp.starttls(context=context)
            smtp.ehlo()
            secure = True
        if target.user:
            if not secure and not _local(target.host):
                raise MailRefused("The SMTP server offers no TLS: the password is not sent.")
            smtp.login(target.user, target.password or "")
        try:
            refused = smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            if all(code >= 500 for code, _ in error.recipients.values()):
                raise MailRefused(f"Recipient refused: {_codes(error.recipients)}") from None
            raise
        except smtplib.SMTPResponseException as error:
            if error.smtp_code >= 500:
                raise MailRefused(f"SMTP {error.smtp_code}: {_text(error.smtp_error)}") from None
            raise
        if refused:
            log.warning("Some recipients were refused: %s", _codes(refused))


def _local(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _codes(recipients: dict) -> str:
    return ", ".join(str(code) for code, _ in recipients.values())


def _text(value: bytes | str) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)
