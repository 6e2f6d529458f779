"""The channels the worker knows, by name."""

from __future__ import annotations

from ledger.delivery.channels import Channel

_channels: dict[str, Channel] = {}


def register(channel: Channel) -> Channel:
    """Make a channel known to the fan-out and the worker (once per name)."""
    _channels[channel.name] = channel
    return channel


def channel(name: str) -> Channel | None:
    return _channels.get(name)


def channels() -> list[Channel]:
    """Return every registered channel, in the order they were registered."""
    return list(_channels.values())


def unregister(name: str) -> None:
    """Forget a channel (tests register their own for a while)."""
    _channels.pop(name, None)
