"""Every sentence Baton sends out of the app (mail, Slack) is written here, and only here.

There is one language today. A later issue adds Flask-Babel: then `say()` looks the key up
in the person's language (the `language` argument every caller already passes) and this
catalogue becomes the English source the translations are extracted from. Nothing else in
the mail or chat code writes prose, so nothing else needs to change.
"""

from __future__ import annotations

from typing import Any

CATALOGUE: dict[str, str] = {
    # Award received (mail)
    "award.subject": "{giver} thanked you{why} (+{points})",
    "award.intro": "{giver} gave you {points} points ({kind}).",
    "award.message_label": "Their words:",
    "award.open": "See it in Baton",
    # Slack channel post
    "slack.award": "{giver} thanked {recipients} (+{points} each, {kind}): {message}",
    "slack.award_one": "{giver} thanked {recipients} (+{points}, {kind}): {message}",
    "slack.and": "and",
    # Weekly digest (managers)
    "digest.subject": "Your team's recognition, week {week}",
    "digest.intro": "What your {people} people gave and received from {start} to {end}.",
    "digest.received": "Points your people received, by direction",
    "digest.given": "Points your people gave, by direction",
    "digest.up": "↑ served up (someone above them in the chain)",
    "digest.down": "↓ served down (someone who reports to them)",
    "digest.lateral": "↔ served across (a colleague outside their chain)",
    "digest.unrecognized": "Not recognized this week",
    "digest.everyone_recognized": "Everyone was recognized this week.",
    "digest.unspent": "Allowance left unspent",
    "digest.points": "{points} points",
    # Webhook endpoint disabled (its owner)
    "webhook_disabled.subject": "Baton disabled the webhook endpoint {url}",
    "webhook_disabled.body": (
        "Every delivery to {url} failed for a day, so Baton stopped sending to it. Reason: {reason}"
    ),
    "webhook_disabled.fix": "Fix the receiver, then retry a delivery to switch it back on.",
    # Invitations and password links (the sign-in issue calls these)
    "invitation.subject": "You are invited to Baton",
    "invitation.body": "Hello {name}, you have a Baton account. Choose your password here:",
    "password.subject": "Your Baton password link",
    "password.body": "Hello {name}, use this link to set a new Baton password:",
    "link.expiry": "The link works once and expires soon; ignore this mail if you did not ask.",
    "link.lost": "(This link can no longer be read: ask for a new one.)",
    # Every mail's footer
    "footer.why.award_mail": "You get this mail because someone gave you points in Baton.",
    "footer.why.digest": "You get this weekly digest because people report to you in Baton.",
    "footer.why.webhook_mail": "You get this mail because you created this webhook endpoint.",
    "footer.unsubscribe": "Stop these mails",
    "footer.settings": "Notification settings",
    # The unsubscribe page
    "unsubscribe.kind.award_mail": "mails when someone gives you points",
    "unsubscribe.kind.digest": "the weekly digest of your people's recognition",
    "unsubscribe.kind.webhook_mail": "mails when a webhook endpoint you made is disabled",
}


def say(key: str, language: str | None = None, **values: Any) -> str:
    """Return the sentence `key` with `values` filled in (in `language`, once translated)."""
    return CATALOGUE[key].format(**values)


def join_names(names: list[str], language: str | None = None) -> str:
    """Join names as a sentence does: "Ann", "Ann and Bob", "Ann, Bob and Cleo"."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {say('slack.and', language)} {names[-1]}"


def reason_from(message: str, language: str | None = None, limit: int = 60) -> str:
    """Turn "Thanks for the clean hand-off." into " for the clean hand-off" for a subject."""
    text = " ".join(message.split())
    lowered = text.lower()
    for opening in ("thank you for ", "thanks for ", "thanks so much for ", "for "):
        if lowered.startswith(opening):
            reason = "for " + text[len(opening) :]
            break
    else:
        return ""
    if len(reason) > limit:
        reason = reason[: limit - 1].rstrip() + "…"
    return " " + reason.rstrip(".!")
