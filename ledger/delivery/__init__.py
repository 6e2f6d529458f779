"""Delivery: the outbox's events go out through channels (webhooks, email, chat) by a worker."""

from ledger.delivery.registry import channel, channels, register
from ledger.delivery.webhooks import WebhookChannel

register(WebhookChannel())

__all__ = ["channel", "channels", "register"]
