"""Say a chat command's outcome in plain words, escaped for Slack's message format."""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for

USAGE = (
    "Give points: `/baton +10 @ann @bob #handoff thanks for the clean hand-off` "
    "(10 points each, paid from your allowance).\n"
    "`/baton balance` shows what you can still give and what you earned; "
    "`/baton help` shows this."
)


def escape(text: str) -> str:
    """Escape `&`, `<` and `>` so names and messages cannot become mentions or links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def answer_text(answer: dict[str, Any]) -> str:
    """Return the plain-words answer for a command's result document."""
    kind = answer["type"]
    if kind == "awarded":
        return _awarded(answer["award"], answer["replayed"])
    if kind == "refused":
        text = f"Not given ({answer['code']}): {escape(answer['message'])}"
        return text + _kinds(answer)
    if kind == "balance":
        b = answer["balances"]
        return (
            f"You can still give {b['allowance_remaining']} of {b['allowance_total']} points "
            f"in {b['period']}. You earned {b['earned_lifetime']} points in all; "
            f"{b['earned_unconverted']} are not yet paid out."
        )
    if kind == "link_needed":
        base = current_app.config["BATON_BASE_URL"].rstrip("/")
        url = base + url_for("slack_link.confirm", token=answer["token"])
        return (
            "Your Slack account is not linked to Baton yet. Open this link while logged in "
            f"to Baton to link it (it works once, for an hour): {url}\n"
            "Then type the command again."
        )
    if kind == "unreadable":
        return f"{escape(answer['reason'])}\n{USAGE}" + _kinds(answer)
    return USAGE + _kinds(answer)


def _awarded(award: dict[str, Any], replayed: bool) -> str:
    names = ", ".join(escape(line["recipient"]["name"]) for line in award["lines"])
    each = award["lines"][0]["points"]
    text = (
        f"You gave +{each} to {names} (#{escape(award['service_kind'])}): "
        f"{award['points_total']} points from your allowance for {award['period']}. "
        f"Award {award['id']}."
    )
    return text + (" (Already given: this was a retry.)" if replayed else "")


def _kinds(answer: dict[str, Any]) -> str:
    kinds = answer.get("service_kinds")
    return "\nService kinds: " + " ".join(f"#{escape(k)}" for k in kinds) if kinds else ""
