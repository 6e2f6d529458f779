"""Opaque cursors and the `{"items", "next_cursor"}` page every list answers."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from ledger.errors import ValidationFailed
from ledger.text import storable

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
MAX_POSITION = 2**31 - 1
# A version tag: a cursor never looks like a token (the guard refuses those in URLs).
CURSOR_PREFIX = "c1."
CURSOR_PATTERN = r"^c1\.[A-Za-z0-9_-]{1,496}$"


def encode_cursor(position: dict[str, Any]) -> str:
    """Wrap a position in the list as an opaque token."""
    raw = json.dumps(position, sort_keys=True, separators=(",", ":")).encode()
    return CURSOR_PREFIX + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, **types: type) -> dict[str, Any] | None:
    """Unwrap a cursor this API issued, checking each field's type; else 422 validation_error."""
    if cursor is None:
        return None
    body = cursor.removeprefix(CURSOR_PREFIX)
    try:
        position = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except (binascii.Error, ValueError):
        position = None
    if not cursor.startswith(CURSOR_PREFIX):
        position = None
    if not isinstance(position, dict) or set(position) != set(types):
        raise _bad_cursor()
    for name, kind in types.items():
        value = position[name]
        if type(value) is not kind or (kind is int and not 0 <= value <= MAX_POSITION):
            raise _bad_cursor()
        if kind is str and not storable(value):
            raise _bad_cursor()  # only a forged cursor carries text no database takes
    return position


def cursor_time(text: str) -> datetime:
    """Read back a timestamp a cursor carries."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _bad_cursor() from None
    if moment.tzinfo is None or not 1900 <= moment.year <= 9000:
        raise _bad_cursor()
    return moment


def page(items: list[Any], limit: int, position_of: Callable[[Any], dict]) -> dict[str, Any]:
    """Cut a page from `limit + 1` fetched items; the extra one proves there is a next page."""
    more = len(items) > limit
    items = items[:limit]
    next_cursor = encode_cursor(position_of(items[-1])) if more and items else None
    return {"items": items, "next_cursor": next_cursor}


def _bad_cursor() -> ValidationFailed:
    return ValidationFailed("The cursor is not one this list issued.", field="cursor")
