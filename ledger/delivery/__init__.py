"""Delivery: the outbox's events go out through channels (webhooks, email, chat) by a worker."""

from ledger.delivery.mail import MailChannel
from ledger.delivery.registry import channel, channels, register
from ledger.delivery.slack import SlackChannel
from ledger.delivery.webhooks import WebhookChannel

register(WebhookChannel())
register(SlackChannel())
register(MailChannel())

__all__ = ["channel", "channels", "register"]
