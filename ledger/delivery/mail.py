"""The mail channel: one delivery per person an event concerns, sent through SMTP.

Fan-out names the recipients whose setting is on; the claim reads the person again (a
setting turned off meanwhile, or a deactivated person, gets no mail); the send composes
the mail and hands it to the server outside any transaction.
"""

from __future__ import annotations

import json
import smtplib
from dataclasses import dataclass
from datetime import datetime

from flask import current_app

from ledger.config import mail_on
from ledger.db import db
from ledger.delivery.channels import Attempt, Job, Subscriber
from ledger.mail import kinds, transport
from ledger.mail.compose import Recipient, compose
from ledger.models import Delivery, OutboxEvent, User
from ledger.preferences import enabled_for


@dataclass(frozen=True)
class Letter:
    """Who gets the mail and what it says, read inside the claim."""

    to: Recipient
    mail: kinds.Mail


class MailChannel:
    name = "mail"

    def subscribers(self, event: OutboxEvent) -> list[Subscriber]:
        found = kinds.KINDS.get(event.type)
        if found is None:
            return []
        if event.type not in kinds.ASKED_FOR and not mail_on(current_app):
            return []  # notification mail is off; links someone asked for still go out
        who, _ = found
        return [
            Subscriber(f"user:{user_id}", recipient_id=user_id, payload={"kind": kind})
            for user_id, kind in who(json.loads(event.data))
        ]

    def prepare(self, delivery: Delivery, event: OutboxEvent) -> Letter | str:
        """Return the letter, or why none goes out any more."""
        person = db.session.get(User, delivery.recipient_id)
        kind = json.loads(delivery.payload or "{}").get("kind")
        if person is None or not person.active:
            return "The person is no longer active."
        if kind and person.id not in enabled_for({person.id}, kind):
            return "The person turned these mails off."
        _, what = kinds.KINDS[event.type]
        payload = json.loads(delivery.payload or "{}")
        mail = what(json.loads(event.data), person, payload)
        return Letter(Recipient(person.id, person.name, person.email, person.language), mail)

    def send(self, job: Job) -> Attempt:
        letter = job.prepared
        if not isinstance(letter, Letter):
            return Attempt(False, error=letter or "Nothing to send.", retry=False)
        message = compose(
            letter.mail.template,
            letter.to,
            letter.mail.subject,
            kind=letter.mail.kind,
            # The same id on every retry, so a server or client can drop a duplicate.
            message_key=f"{job.event_uid}.{job.delivery_id}",
            **letter.mail.values,
        )
        try:
            transport.deliver(message)
        except transport.MailRefused as error:
            return Attempt(False, error=str(error), retry=False)
        except (smtplib.SMTPException, OSError) as error:
            return Attempt(False, error=f"{type(error).__name__}: {error}")
        return Attempt(True, status_code=250)

    def gave_up(self, delivery: Delivery, now: datetime) -> None:
        """A mail that failed for a day is recorded as failed; nothing else to do."""
