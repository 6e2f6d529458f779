"""One checked POST for the channels that call out over HTTP (webhooks, Slack).

The URL is checked by the deployment's policy, the host resolved now (an inside address is
refused) and the request pinned to the checked address; the answer becomes an Attempt.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import urllib3

from ledger.delivery import outbound, safety
from ledger.delivery.channels import Attempt
from ledger.errors import ValidationFailed

# Answers that say the target can never accept this request: retrying cannot help.
FINAL_STATUSES = frozenset({400, 401, 403, 404, 410})


def post_checked(
    url: str, rules: safety.Policy, payload: bytes, headers: dict[str, str], *, name: str
) -> Attempt:
    """POST `payload` to `url` once; `name` stands for the URL in errors (it may be secret)."""
    try:
        url = safety.check_url(url, rules)
    except ValidationFailed as error:
        return Attempt(False, error=f"{name}: {error.message}", retry=False)
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        address = safety.resolve(parts.hostname, port, rules)
    except safety.UnsafeTarget as error:
        return Attempt(False, error=f"{name}: {error}")
    try:
        answer = outbound.post(url, address, payload, headers)
    except (urllib3.exceptions.HTTPError, OSError) as error:
        # urllib3's messages can hold the URL (and a Slack URL is a secret): name the kind only.
        return Attempt(False, error=f"{name}: {type(error).__name__}")
    text = answer.body.decode(errors="replace")
    if 200 <= answer.status < 300:
        return Attempt(True, status_code=answer.status, response=text)
    reason = "a redirect (not followed)" if 300 <= answer.status < 400 else "an error"
    return Attempt(
        False,
        status_code=answer.status,
        response=text,
        error=f"{name}: HTTP {answer.status}: {reason}",
        retry=answer.status not in FINAL_STATUSES,
    )
