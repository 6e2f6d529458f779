"""Fixtures: a real OpenID provider per module, and Baton apps that trust it, on both engines."""

from __future__ import annotations

from datetime import timedelta

import pytest
from oidc_provider_mock import run_server_in_thread

from tests.factories import make_app
from tests.sso.provider import Forger, Provider, serve
from tests.web.test_sessions import FreshClient

ENGINES = ["sqlite", "postgres"]


@pytest.fixture(scope="module")
def provider():
    with run_server_in_thread() as server:
        yield Provider(f"http://localhost:{server.server_port}")


@pytest.fixture(scope="module")
def stale_provider():
    """A provider whose ID tokens expired ten minutes before they were issued."""
    with run_server_in_thread(access_token_max_age=timedelta(minutes=-10)) as server:
        yield Provider(f"http://localhost:{server.server_port}")


@pytest.fixture
def forger(provider):
    """The provider seen through a proxy that can break its signatures."""
    proxy = Forger(provider.issuer)
    with serve(proxy) as url:
        proxy.provider = Provider(url)
        yield proxy


@pytest.fixture(params=ENGINES)
def database_url(request):
    if request.param == "postgres":
        request.node.add_marker(pytest.mark.postgres)
    holder = request.getfixturevalue(f"{request.param}_template")
    url = holder.new_database()
    yield url
    holder.drop(url)


@pytest.fixture
def make_sso_app(database_url, provider):
    """Return a function building Baton on this test's database, trusting `provider` unless
    told otherwise; each app's context stays pushed until the test ends."""
    contexts = []

    def build(issuer: str | None = None, **config):
        app = make_app(
            database_url,
            BATON_OIDC_ISSUER=issuer or provider.issuer,
            BATON_OIDC_CLIENT_ID="baton",
            BATON_OIDC_CLIENT_SECRET="baton-client-secret",
            BATON_OIDC_NAME="Example SSO",
            **config,
        )
        app.test_client_class = FreshClient
        context = app.app_context()
        context.push()
        contexts.append(context)
        return app

    yield build
    from ledger.db import db

    for context in reversed(contexts):
        db.session.remove()
        db.engine.dispose()
        context.pop()


@pytest.fixture
def sso_app(make_sso_app):
    return make_sso_app()


def sign_in(client, provider: Provider, subject: str, *, start: str = "/login/oidc"):
    """Go through the whole redirect dance; return Baton's answer to the callback."""
    out = client.get(start)
    assert out.status_code == 302, out.data
    assert out.headers["Location"].startswith(provider.issuer)
    return client.get(provider.approve(out.headers["Location"], subject))
