"""Every sentence Baton sends out of the app (mail, Slack) is written here, and only here.

`say()` renders a sentence in the reader's language (the `language` argument every caller
passes: a person's users.language, or None for the current request's or English); this
catalogue is the English source the translations are extracted from (`N_`).
"""

from __future__ import annotations

from typing import Any

from ledger.i18n import DEFAULT_LANGUAGE, N_, Phrase, in_language, translated

CATALOGUE: dict[str, str] = {
    # Award received (mail)
    "award.subject": N_("{giver} thanked you{why} (+{points})"),
    "award.intro": N_("{giver} gave you {points} points ({kind})."),
    "award.message_label": N_("Their words:"),
    "award.open": N_("See it in Baton"),
    # Slack channel post
    "slack.award": N_("{giver} thanked {recipients} (+{points} each, {kind}): {message}"),
    "slack.award_one": N_("{giver} thanked {recipients} (+{points}, {kind}): {message}"),
    "slack.and": N_("and"),
    # Weekly digest (managers)
    "digest.subject": N_("Your team's recognition, week {week}"),
    "digest.intro": N_("What your {people} people gave and received from {start} to {end}."),
    "digest.received": N_("Points your people received, by direction"),
    "digest.given": N_("Points your people gave, by direction"),
    "digest.up": N_("↑ served up (someone above them in the chain)"),
    "digest.down": N_("↓ served down (someone who reports to them)"),
    "digest.lateral": N_("↔ served across (a colleague outside their chain)"),
    "digest.unrecognized": N_("Not recognized this week"),
    "digest.everyone_recognized": N_("Everyone was recognized this week."),
    "digest.unspent": N_("Allowance left unspent"),
    "digest.points": N_("{points} points"),
    # Webhook endpoint disabled (its owner)
    "webhook_disabled.subject": N_("Baton disabled the webhook endpoint {url}"),
    "webhook_disabled.body": N_(
        "Every delivery to {url} failed for a day, so Baton stopped sending to it. Reason: {reason}"
    ),
    "webhook_disabled.fix": N_("Fix the receiver, then retry a delivery to switch it back on."),
    # Invitations and password links (the sign-in issue calls these)
    "invitation.subject": N_("You are invited to Baton"),
    "invitation.body": N_("Hello {name}, you have a Baton account. Choose your password here:"),
    "password.subject": N_("Your Baton password link"),
    "password.body": N_("Hello {name}, use this link to set a new Baton password:"),
    "link.expiry": N_("The link works once and expires soon; ignore this mail if you did not ask."),
    "link.lost": N_("(This link can no longer be read: ask for a new one.)"),
    # Every mail's footer
    "footer.why.award_mail": N_("You get this mail because someone gave you points in Baton."),
    "footer.why.digest": N_("You get this weekly digest because people report to you in Baton."),
    "footer.why.webhook_mail": N_("You get this mail because you created this webhook endpoint."),
    "footer.unsubscribe": N_("Stop these mails"),
    "footer.settings": N_("Notification settings"),
    # The unsubscribe page
    "unsubscribe.kind.award_mail": N_("mails when someone gives you points"),
    "unsubscribe.kind.digest": N_("the weekly digest of your people's recognition"),
    "unsubscribe.kind.webhook_mail": N_("mails when a webhook endpoint you made is disabled"),
}


def say(key: str, language: str | None = None, **values: Any) -> str:
    """Return the sentence `key` with `values` filled in, in `language`."""
    sentence = Phrase(CATALOGUE[key], **values)
    if language is None:
        return translated(sentence)
    with in_language(language):
        return translated(sentence)


def join_names(names: list[str], language: str | None = None) -> str:
    """Join names as a sentence does: "Ann", "Ann and Bob", "Ann, Bob and Cleo"."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {say('slack.and', language)} {names[-1]}"


def reason_from(message: str, language: str | None = None, limit: int = 60) -> str:
    """Turn "Thanks for the clean hand-off." into " for the clean hand-off" for a subject."""
    if (language or DEFAULT_LANGUAGE) != "en":
        return ""  # an English clause; other languages' subjects go without it
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
