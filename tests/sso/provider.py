"""A real OpenID provider for the tests (oidc-provider-mock), and a proxy that can forge its
answers, so each failure Baton must catch is produced by a real protocol exchange."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from urllib.parse import urlsplit

import requests
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

TIMEOUT = 10


class Provider:
    """Drive a provider as a person would: set who they are, approve a sign-in."""

    def __init__(self, issuer: str) -> None:
        self.issuer = issuer

    def person(self, subject: str, **claims) -> None:
        """Set the claims the provider states for `subject` (oidc-provider-mock's PUT)."""
        answer = requests.put(f"{self.issuer}/users/{subject}", json=claims, timeout=TIMEOUT)
        assert answer.status_code == 204, answer.text

    def approve(self, authorize_url: str, subject: str) -> str:
        """Sign in at the provider as `subject`; return the callback's path and query."""
        answer = requests.post(
            authorize_url, data={"sub": subject}, allow_redirects=False, timeout=TIMEOUT
        )
        assert answer.status_code == 302, answer.text
        back = urlsplit(answer.headers["Location"])
        return f"{back.path}?{back.query}"


class Forger:
    """Stand between Baton and a provider; `forge_signature` breaks each ID token's signature,
    `claim_issuer` makes the discovery document name another issuer, `withhold` leaves the
    named fields out of it, `swap_nonce` asks the provider for a token with another nonce."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.forge_signature = False
        self.claim_issuer: str | None = None
        self.withhold: set[str] = set()
        self.swap_nonce = False

    def __call__(self, environ, start_response):
        request = Request(environ)
        # The provider names itself (and its endpoints) after the Host it is asked on, so
        # forwarding the proxy's Host keeps every later request going through the proxy.
        target = self.upstream + request.full_path.rstrip("?")
        if self.swap_nonce and request.path == "/oauth2/authorize":
            target = target.replace("nonce=", "nonce=swapped", 1)
        answer = requests.request(
            request.method,
            target,
            headers={k: v for k, v in request.headers if k.lower() != "content-length"},
            data=request.get_data(),
            allow_redirects=False,
            timeout=TIMEOUT,
        )
        body = answer.content
        dump = json.dumps
        if request.path.endswith("/openid-configuration"):
            document = {k: v for k, v in answer.json().items() if k not in self.withhold}
            body = dump({**document, "issuer": self.claim_issuer or document["issuer"]}).encode()
        if self.forge_signature and request.path == "/oauth2/token" and answer.ok:
            token = answer.json()
            head, payload, signature = token["id_token"].split(".")
            flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
            token["id_token"] = f"{head}.{payload}.{flipped}"
            body = dump(token).encode()
        skip = {"content-length", "transfer-encoding", "connection", "content-encoding"}
        headers = [(k, v) for k, v in answer.headers.items() if k.lower() not in skip]
        return Response(body, answer.status_code, headers)(environ, start_response)


@contextlib.contextmanager
def serve(app) -> Iterator[str]:
    """Serve a WSGI app on a free localhost port in a thread; yield its base URL."""
    server = make_server("localhost", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield f"http://localhost:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()
