"""The Slack channel: each award posted to one channel through an incoming-webhook URL.

`BATON_SLACK_WEBHOOK_URL` (Slack app → Incoming Webhooks) turns it on. Every award is
public in Baton (the feed shows them all), so every `award.created` is posted once.
The URL holds Slack's credential: it is read from the configuration at send time, never
stored with the delivery and never written to an error or the log.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from flask import current_app

from ledger.delivery import safety
from ledger.delivery.channels import Attempt, Job, Subscriber
from ledger.delivery.posting import post_checked
from ledger.messages import join_names, say
from ledger.models import Delivery, OutboxEvent

SETTING = "BATON_SLACK_WEBHOOK_URL"
MESSAGE_LIMIT = 500


@dataclass(frozen=True)
class Target:
    url: str
    rules: safety.Policy


def configured_url() -> str | None:
    return (current_app.config.get(SETTING) or "").strip() or None


def escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn treats as control (no pings, no links)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def award_text(award: dict, language: str | None = None) -> str:
    """Say an award in one Slack line: who thanked whom, how many points, why."""
    names = [escape(line["recipient"]["name"]) for line in award["lines"]]
    message = award["message"].strip()
    if len(message) > MESSAGE_LIMIT:
        message = message[: MESSAGE_LIMIT - 1] + "…"
    key = "slack.award" if len(names) > 1 else "slack.award_one"
    return say(
        key,
        language,
        giver=f"*{escape(award['giver']['name'])}*",
        recipients=join_names(names, language),
        points=award["lines"][0]["points"],
        kind=f"#{escape(award['service_kind'])}",
        message=escape(message),
    )


class SlackChannel:
    name = "slack"

    def subscribers(self, event: OutboxEvent) -> list[Subscriber]:
        if event.type != "award.created" or configured_url() is None:
            return []
        return [Subscriber("slack:channel")]

    def prepare(self, delivery: Delivery, event: OutboxEvent) -> Target | None:
        url = configured_url()
        return Target(url, safety.policy()) if url else None

    def send(self, job: Job) -> Attempt:
        target: Target | None = job.prepared
        if target is None:
            return Attempt(False, error=f"{SETTING} is no longer set.", retry=False)
        payload = json.dumps(
            {"text": award_text(job.event_data), "unfurl_links": False}, ensure_ascii=False
        ).encode()
        headers = {"Content-Type": "application/json", "User-Agent": "Baton-Slack/1"}
        return post_checked(target.url, target.rules, payload, headers, name="Slack webhook")

    def gave_up(self, delivery: Delivery, now: datetime) -> None:
        """Nothing to switch off: the URL is configuration; the failed delivery is the record."""
