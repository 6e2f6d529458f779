"""Where webhooks may go: https in production, never inside the network unless allowed."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app

from ledger.config import is_production
from ledger.errors import ValidationFailed
from ledger.i18n import N_, Phrase

MAX_URL = 2000
TRUE = {"1", "true", "yes", "on"}


class UnsafeTarget(Exception):
    """The endpoint's address is not allowed (private, loopback, link-local, ...)."""


@dataclass(frozen=True)
class Policy:
    """What this deployment allows: http (development only) and private addresses."""

    https_only: bool
    allow_private: bool


def policy() -> Policy:
    """Read the policy from the app: BATON_WEBHOOK_ALLOW_PRIVATE defaults on in development."""
    production = is_production(current_app)
    setting = current_app.config.get("BATON_WEBHOOK_ALLOW_PRIVATE")
    allow = (not production) if setting in (None, "") else str(setting).lower() in TRUE
    return Policy(https_only=production, allow_private=allow)


def check_url(url: str, rules: Policy) -> str:
    """Refuse a URL no delivery may use; return it cleaned of surrounding space."""
    url = (url or "").strip()
    if not 1 <= len(url) <= MAX_URL:
        raise ValidationFailed(
            Phrase("Give a URL of at most {MAX_URL} characters.", MAX_URL=MAX_URL), field="url"
        )
    if not printable(url) or any(character.isspace() for character in url):
        raise ValidationFailed(N_("A URL has no spaces or control characters."), field="url")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ValidationFailed(N_("That URL cannot be read."), field="url") from None
    allowed = ("https",) if rules.https_only else ("https", "http")
    if parts.scheme not in allowed:
        raise ValidationFailed(
            Phrase("Use a {choices} URL.", choices=" or ".join(allowed)), field="url"
        )
    if not parts.hostname or parts.username is not None or parts.password is not None:
        raise ValidationFailed(N_("Give a host, and no user name or password."), field="url")
    if parts.fragment or port == 0:
        raise ValidationFailed(N_("Give a URL without a fragment or port 0."), field="url")
    if not rules.allow_private and _names_inside(parts.hostname):
        raise ValidationFailed(
            N_("That address is inside the network; webhooks go to public hosts only."), field="url"
        )
    return url


def printable(text: str) -> bool:
    """Tell whether text is valid UTF-8 without control characters (tab and newline aside)."""
    try:
        text.encode()
    except UnicodeEncodeError:
        return False  # a lone surrogate
    return not any((ord(c) < 32 and c not in "\t\n") or ord(c) == 127 for c in text)


def resolve(host: str, port: int, rules: Policy) -> str:
    """Resolve `host` now and return an address to connect to, refusing inside addresses."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise UnsafeTarget(
            Phrase("cannot resolve {host}: {error}", host=host, error=error)
        ) from error
    addresses = [info[4][0] for info in found]
    if not rules.allow_private:
        inside = [address for address in addresses if is_inside(address)]
        if inside:
            # One inside answer is enough to refuse: a rebinding host mixes them.
            raise UnsafeTarget(
                Phrase(
                    "{host} resolves to an address inside the network ({value})",
                    host=host,
                    value=inside[0],
                )
            )
    if not addresses:
        raise UnsafeTarget(Phrase("{host} has no address", host=host))
    return addresses[0]


def is_inside(address: str) -> bool:
    """Tell whether an address is loopback, private, link-local or otherwise not public."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global


def _names_inside(host: str) -> bool:
    name = host.rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return is_inside(name)
    except ValueError:
        return False  # a name: checked again, resolved, at every delivery
