"""Every way back from the provider that proves nothing ends on the login page with a
sentence and an audit row, never a session and never a 500: each produced by a real exchange."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from oidc_provider_mock import run_server_in_thread
from sqlalchemy import select

from ledger.db import db
from ledger.models import AuditEvent
from tests.factories import make_user
from tests.sso.conftest import sign_in
from tests.sso.provider import Provider


def outcomes() -> list[str]:
    db.session.rollback()
    rows = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "sign_in_failed"))
    return [row.outcome for row in rows]


def refused(client, answer, sentence: str) -> None:
    """Assert that an answer sent the person back to the login page, saying `sentence`."""
    assert (answer.status_code, answer.headers["Location"]) == (302, "/login")
    assert sentence in client.get("/login").get_data(as_text=True)
    assert client.get("/").status_code == 302, "a failed sign-in left a session"


@pytest.fixture
def ann(sso_app, provider):
    provider.person("ann", email="ann@example.com", email_verified=True)
    return make_user("ann@example.com", name="Ann")


def with_query(path: str, **changes) -> str:
    parts = urlsplit(path)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()} | changes
    return f"{parts.path}?{urlencode(query)}"


def test_a_callback_with_another_state_is_refused(sso_app, provider, ann):
    client = sso_app.test_client()
    back = provider.approve(client.get("/login/oidc").headers["Location"], "ann")
    answer = client.get(with_query(back, state="forged-state-value"))
    refused(client, answer, "already used or has expired")
    assert outcomes() == ["state_mismatch"]


def test_a_callback_from_another_browser_is_refused(sso_app, provider, ann):
    # Login CSRF: the attacker's own code, carried to the victim's browser, which holds no state.
    attacker = sso_app.test_client()
    back = provider.approve(attacker.get("/login/oidc").headers["Location"], "ann")
    victim = sso_app.test_client()
    refused(victim, victim.get(back), "already used or has expired")
    assert outcomes() == ["state_mismatch"]


def test_a_used_callback_cannot_be_replayed(sso_app, provider, ann):
    client = sso_app.test_client()
    back = provider.approve(client.get("/login/oidc").headers["Location"], "ann")
    assert client.get(back).headers["Location"] == "/"
    client.post("/logout", data={"csrf_token": _csrf(client)})
    refused(client, client.get(back), "already used or has expired")


def test_a_used_code_under_a_fresh_state_is_refused_by_the_provider(sso_app, provider, ann):
    client = sso_app.test_client()
    first = provider.approve(client.get("/login/oidc").headers["Location"], "ann")
    assert client.get(first).headers["Location"] == "/"
    client.post("/logout", data={"csrf_token": _csrf(client)})
    fresh_state = parse_qs(urlsplit(client.get("/login/oidc").headers["Location"]).query)["state"]
    answer = client.get(with_query(first, state=fresh_state[0]))
    refused(client, answer, "did not confirm the sign-in")
    assert outcomes() == ["code_rejected"]


def test_a_person_who_declines_at_the_provider_is_told_so(sso_app, provider, ann):
    client = sso_app.test_client()
    authorize = client.get("/login/oidc").headers["Location"]
    denied = requests.post(authorize, data={"action": "deny"}, allow_redirects=False, timeout=10)
    back = urlsplit(denied.headers["Location"])
    refused(client, client.get(f"{back.path}?{back.query}"), "did not let you in")
    assert outcomes() == ["provider_refused"]


def test_an_id_token_with_a_forged_signature_is_refused(make_sso_app, forger):
    app = make_sso_app(issuer=forger.provider.issuer)
    make_user("ann@example.com", name="Ann")
    forger.provider.person("ann", email="ann@example.com", email_verified=True)
    forger.forge_signature = True
    client = app.test_client()
    refused(client, sign_in(client, forger.provider, "ann"), "could not be verified")
    assert outcomes() == ["bad_signature"]


def test_the_same_proxy_without_forging_lets_the_person_in(make_sso_app, forger):
    # Negative control for the test above: the proxy alone breaks nothing.
    app = make_sso_app(issuer=forger.provider.issuer)
    make_user("ann@example.com", name="Ann")
    forger.provider.person("ann", email="ann@example.com", email_verified=True)
    assert sign_in(app.test_client(), forger.provider, "ann").headers["Location"] == "/"


def test_an_expired_id_token_is_refused(make_sso_app, stale_provider):
    app = make_sso_app(issuer=stale_provider.issuer)
    make_user("ann@example.com", name="Ann")
    stale_provider.person("ann", email="ann@example.com", email_verified=True)
    client = app.test_client()
    refused(client, sign_in(client, stale_provider, "ann"), "had expired")
    assert outcomes() == ["token_expired"]


def test_a_provider_that_cannot_be_reached_is_reported(make_sso_app):
    app = make_sso_app(issuer="http://localhost:9")  # the discard port: nothing listens
    client = app.test_client()
    refused(client, client.get("/login/oidc"), "could not be reached")
    assert outcomes() == ["provider_unavailable"]


def test_a_provider_that_goes_down_during_the_dance_is_reported(make_sso_app):
    with run_server_in_thread() as server:
        short_lived = Provider(f"http://localhost:{server.server_port}")
        app = make_sso_app(issuer=short_lived.issuer)
        make_user("ann@example.com", name="Ann")
        short_lived.person("ann", email="ann@example.com", email_verified=True)
        client = app.test_client()
        back = short_lived.approve(client.get("/login/oidc").headers["Location"], "ann")
    refused(client, client.get(back), "could not be reached")
    assert outcomes() == ["provider_unavailable"]


def test_a_provider_naming_another_issuer_is_not_trusted(make_sso_app, forger):
    # Mix-up defence: a discovery document that names another issuer is not the provider.
    app = make_sso_app(issuer=forger.provider.issuer)
    forger.claim_issuer = "https://login.elsewhere.example"
    client = app.test_client()
    refused(client, client.get("/login/oidc"), "misconfigured")
    assert outcomes() == ["issuer_mismatch"]


def test_an_id_token_minted_for_another_nonce_is_refused(make_sso_app, forger):
    app = make_sso_app(issuer=forger.provider.issuer)
    make_user("ann@example.com", name="Ann")
    forger.provider.person("ann", email="ann@example.com", email_verified=True)
    forger.swap_nonce = True
    client = app.test_client()
    refused(client, sign_in(client, forger.provider, "ann"), "not meant for Baton")
    assert outcomes() == ["invalid_token"]


def test_a_provider_that_publishes_no_keys_is_reported(make_sso_app, forger):
    app = make_sso_app(issuer=forger.provider.issuer)
    make_user("ann@example.com", name="Ann")
    forger.provider.person("ann", email="ann@example.com", email_verified=True)
    forger.withhold = {"jwks_uri"}
    client = app.test_client()
    refused(client, sign_in(client, forger.provider, "ann"), "does not understand")
    assert outcomes() == ["provider_unusable"]


def _csrf(client) -> str:
    from tests.web.test_sessions import csrf_token

    return csrf_token(client, "/")
