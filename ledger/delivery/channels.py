"""The channel interface: how one kind of delivery (webhook, email, slack) finds and sends."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from ledger.models import Delivery, OutboxEvent


@dataclass(frozen=True)
class Subscriber:
    """Who hears of an event on a channel; `key` is unique per event and channel."""

    key: str
    webhook_id: int | None = None
    recipient_id: int | None = None
    payload: dict[str, Any] | None = None


@dataclass(frozen=True)
class Job:
    """A claimed delivery with everything needed to send it, read before the claim commits."""

    delivery_id: int
    claim_token: str
    channel: str
    attempt: int  # 1 for the first try
    event_uid: str
    event_type: str
    event_data: dict[str, Any]
    event_created_at: datetime
    webhook_id: int | None
    recipient_id: int | None
    payload: dict[str, Any] | None
    prepared: Any = None  # what the channel's prepare() returned


@dataclass(frozen=True)
class Attempt:
    """How one send went; `retry=False` gives up at once (the target can never accept it)."""

    delivered: bool
    status_code: int | None = None
    response: str | None = None
    error: str | None = None
    retry: bool = True
    details: dict[str, Any] = field(default_factory=dict)


class Channel(Protocol):
    """One way of telling people; registered with ledger.delivery.registry.register()."""

    name: str

    def subscribers(self, event: OutboxEvent) -> Iterable[Subscriber]:
        """Name who hears of `event` (runs inside the fan-out transaction; no network)."""
        ...

    def prepare(self, delivery: Delivery, event: OutboxEvent) -> Any:
        """Read what send() needs (runs inside the claim transaction; no network)."""
        ...

    def send(self, job: Job) -> Attempt:
        """Send once (outside any transaction); return how it went, never raise for I/O."""
        ...

    def gave_up(self, delivery: Delivery, now: datetime) -> None:
        """React to a delivery that failed for good (inside the recording transaction)."""
        ...
