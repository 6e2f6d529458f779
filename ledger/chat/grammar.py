"""Read a chat command such as `+10 @ann <@U123> #handoff thanks for ...`; pure, no database."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Slack escapes only these three characters in a command's text.
_ENTITIES = {"&lt;": "<", "&gt;": ">", "&amp;": "&"}
_ENTITY = re.compile("|".join(map(re.escape, _ENTITIES)))
POINTS = re.compile(r"^\+?(\d{1,9})$")
SLACK_MENTION = re.compile(r"^<@([UW][A-Z0-9]{1,31})(?:\|([^>]{0,80}))?>$")
HANDLE_MENTION = re.compile(r"^@([A-Za-z0-9][A-Za-z0-9._-]{0,79})$")
KIND = re.compile(r"^#([a-z0-9][a-z0-9_-]{0,39})$", re.IGNORECASE)
TOKEN = re.compile(r"\S+")


@dataclass(frozen=True)
class Mention:
    """Someone named in a command: by Slack member id, or by a handle typed as `@ann`."""

    slack_user_id: str | None = None
    handle: str | None = None

    def shown(self) -> str:
        return f"<@{self.slack_user_id}>" if self.slack_user_id else f"@{self.handle}"


@dataclass(frozen=True)
class Give:
    points: int
    mentions: tuple[Mention, ...]
    service_kind: str | None
    message: str


@dataclass(frozen=True)
class Balance:
    pass


@dataclass(frozen=True)
class Help:
    pass


@dataclass(frozen=True)
class Unreadable:
    """A command the grammar cannot read; `reason` says what to write instead."""

    reason: str


Command = Give | Balance | Help | Unreadable


def unescape(text: str) -> str:
    """Undo Slack's escaping of `<`, `>` and `&` in plain text."""
    return _ENTITY.sub(lambda match: _ENTITIES[match.group(0)], text)


def parse(text: str) -> Command:
    """Read the text after the slash command into a command; never raises."""
    stripped = (text or "").strip()
    word = stripped.lower()
    if word in {"", "help", "?"}:
        return Help()
    if word in {"balance", "balances"}:
        return Balance()
    tokens = list(TOKEN.finditer(stripped))
    points = POINTS.match(tokens[0].group(0))
    if points is None:
        return Unreadable("Start with the points for each person, e.g. `+10 @ann #handoff ...`.")
    mentions: list[Mention] = []
    kind: str | None = None
    message_start = len(stripped)
    for token in tokens[1:]:
        value = token.group(0)
        if match := SLACK_MENTION.match(value):
            mentions.append(Mention(slack_user_id=match.group(1)))
        elif match := HANDLE_MENTION.match(value):
            mentions.append(Mention(handle=match.group(1).lower()))
        elif match := KIND.match(value):
            if kind is not None:
                return Unreadable("Name one service kind (one `#kind`) per award.")
            kind = match.group(1).lower()
        else:
            message_start = token.start()
            break
    if not mentions:
        return Unreadable("Name at least one person after the points, e.g. `+10 @ann`.")
    message = unescape(stripped[message_start:]).strip()
    return Give(int(points.group(1)), tuple(mentions), kind, message)
