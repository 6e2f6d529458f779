"""POST to an endpoint at an address resolved beforehand: no redirects, short timeouts."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import urllib3

TIMEOUT = urllib3.Timeout(connect=5.0, read=5.0)
BODY_LIMIT = 1024


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes  # at most BODY_LIMIT bytes


def post(url: str, address: str, body: bytes, headers: dict[str, str]) -> Answer:
    """Send `body` to `url` through `address` (pinned, so DNS cannot change under us).

    TLS still checks the certificate against the URL's host name. Raises urllib3's
    HTTPError or OSError when the endpoint cannot be reached in time.
    """
    parts = urlsplit(url)
    secure = parts.scheme == "https"
    port = parts.port or (443 if secure else 80)
    options = {"timeout": TIMEOUT, "retries": False, "maxsize": 1}
    if secure:
        pool: urllib3.HTTPConnectionPool = urllib3.HTTPSConnectionPool(
            address,
            port,
            server_hostname=parts.hostname,
            assert_hostname=parts.hostname,
            cert_reqs="CERT_REQUIRED",
            **options,
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, port, **options)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        response = pool.urlopen(
            "POST",
            target,
            body=body,
            headers={**headers, "Host": parts.netloc},
            redirect=False,
            retries=False,
            assert_same_host=False,
            preload_content=False,
        )
        try:
            # Read no more than we keep: a huge or endless answer costs nothing.
            kept = response.read(BODY_LIMIT)
        finally:
            response.close()
        return Answer(response.status, kept)
    finally:
        pool.close()
