"""A real SMTP server on 127.0.0.1 for mail tests (aiosmtpd), with the mails it received."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller

READY_TIMEOUT = 5.0


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    raw: bytes


@dataclass
class Inbox:
    """The handler: keeps every mail; refuses recipients listed in `refuse` with a 550."""

    mails: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.mails.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), message, envelope.content)
            )
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        with self.lock:
            return [mail for mail in self.mails if address in mail.rcpt_tos]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_smtp(**options) -> tuple[Controller, Inbox]:
    """Start a server on a free port; `options` go to aiosmtpd (TLS, authentication)."""
    inbox = Inbox()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=free_port(), ready_timeout=READY_TIMEOUT, **options
    )
    controller.start()
    return controller, inbox
