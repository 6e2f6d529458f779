"""Delivery: the outbox's events go out through channels (webhooks, email, chat) by a worker."""

from ledger.delivery.registry import channel, channels, register

__all__ = ["channel", "channels", "register"]
