"""Single sign-on settings: which OpenID Connect provider, and how far Baton trusts it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

TRUE = frozenset({"1", "true", "yes", "on"})
DEFAULT_BUTTON = "your company account"


def flag(value: object) -> bool:
    """Read an on/off setting as the environment spells it (1, true, yes, on)."""
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in TRUE


@dataclass(frozen=True)
class OidcSettings:
    """The provider and the sign-in policy, read once from the app's configuration."""

    issuer: str
    client_id: str
    client_secret: str
    name: str
    create_users: bool
    trust_emails: bool
    only: bool
    break_glass: frozenset[str]

    @property
    def discovery_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"

    def same_issuer(self, issuer: object) -> bool:
        """Tell whether a provider's stated issuer is the configured one (mix-up defence)."""
        return isinstance(issuer, str) and issuer.rstrip("/") == self.issuer.rstrip("/")

    def may_use_password(self, email: str, role: str) -> bool:
        """Tell whether a person may still sign in with a password (BATON_OIDC_ONLY)."""
        if not self.only:
            return True
        if self.break_glass:
            return email.lower() in self.break_glass
        return role == "admin"


def oidc_settings(config: Mapping[str, Any]) -> OidcSettings | None:
    """Return the OpenID Connect settings, or None when no issuer is configured."""
    issuer = str(config.get("BATON_OIDC_ISSUER") or "").strip()
    if not issuer:
        return None
    emails = str(config.get("BATON_OIDC_BREAK_GLASS") or "")
    return OidcSettings(
        issuer=issuer,
        client_id=str(config.get("BATON_OIDC_CLIENT_ID") or "").strip(),
        client_secret=str(config.get("BATON_OIDC_CLIENT_SECRET") or ""),
        name=str(config.get("BATON_OIDC_NAME") or "").strip() or DEFAULT_BUTTON,
        create_users=flag(config.get("BATON_OIDC_CREATE_USERS")),
        trust_emails=flag(config.get("BATON_OIDC_TRUST_EMAILS")),
        only=flag(config.get("BATON_OIDC_ONLY")),
        break_glass=frozenset(part.strip().lower() for part in emails.split(",") if part.strip()),
    )


def oidc_problems(config: Mapping[str, Any], *, production: bool) -> list[str]:
    """Name what keeps the OpenID Connect settings from working (checked at start-up)."""
    settings = oidc_settings(config)
    if settings is None:
        if flag(config.get("BATON_OIDC_ONLY")):
            return ["BATON_OIDC_ONLY is on but BATON_OIDC_ISSUER is not set."]
        return []
    problems = []
    if not settings.client_id or not settings.client_secret:
        problems.append(
            "BATON_OIDC_ISSUER is set: set BATON_OIDC_CLIENT_ID and BATON_OIDC_CLIENT_SECRET too."
        )
    if production and not settings.issuer.startswith("https://"):
        problems.append("BATON_OIDC_ISSUER must be an https:// address in production.")
    return problems
