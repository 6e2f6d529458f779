"""Webhook signing secrets: `whsec_` + base64, sealed at rest with a key from the app secret.

The secret must stay usable for signing, so it cannot be hashed like an API token; it is
encrypted (Fernet: AES-128-CBC + HMAC-SHA256) under a key derived by HKDF from
BATON_SECRET_KEY. A copied database alone does not reveal it; rotating BATON_SECRET_KEY
makes stored secrets unreadable, and their endpoints must be created again.
"""

from __future__ import annotations

import base64
import os

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

PREFIX = "whsec_"
SECRET_BYTES = 32
SEAL_VERSION = "v1:"
# One key per use, derived apart, so a sealed mail link can never pass for a webhook secret.
WEBHOOKS = b"webhook signing secrets"
MAIL_LINKS = b"mail links"


def new_secret() -> str:
    """Return a fresh signing secret in the Standard Webhooks form."""
    return PREFIX + base64.b64encode(os.urandom(SECRET_BYTES)).decode()


def seal(secret: str, info: bytes = WEBHOOKS) -> str:
    """Encrypt a signing secret (or, with another `info`, any text) for storage."""
    return SEAL_VERSION + _fernet(info).encrypt(secret.encode()).decode()


def unseal(stored: str, info: bytes = WEBHOOKS) -> str | None:
    """Decrypt a stored secret; None when the app secret changed since it was sealed."""
    if not stored.startswith(SEAL_VERSION):
        return None
    try:
        return _fernet(info).decrypt(stored.removeprefix(SEAL_VERSION).encode()).decode()
    except InvalidToken:
        return None


def _fernet(info: bytes) -> Fernet:
    app_secret = str(current_app.config["SECRET_KEY"]).encode()
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"baton", info=info).derive(app_secret)
    return Fernet(base64.urlsafe_b64encode(key))
