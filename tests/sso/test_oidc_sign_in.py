"""OpenID Connect sign-in through a real provider: the whole redirect dance, matching by
subject and by verified email, refusing strangers, and sessions that end like any other."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from ledger.db import db
from ledger.models import AuditEvent, User
from ledger.queries.people import user_by_email
from tests.factories import make_user
from tests.sso.conftest import sign_in
from tests.web.test_sessions import PASSWORD, SESSION, csrf_token, logout, replay


def audit_rows(action: str) -> list[AuditEvent]:
    db.session.rollback()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def login(client, email: str):
    """Log in with a password through the break-glass form."""
    token = csrf_token(client, "/login?password=1")
    form = {"email": email, "password": PASSWORD, "csrf_token": token}
    return client.post("/login?password=1", data=form)


def fresh(user_id: int):
    """Read a person again, past the test session's cached copy."""
    db.session.rollback()
    return db.session.get(User, user_id, populate_existing=True)


def flashed(client) -> str:
    return client.get("/login").get_data(as_text=True)


def test_the_redirect_asks_for_a_code_with_pkce_state_and_nonce(sso_app):
    out = sso_app.test_client().get("/login/oidc")
    query = parse_qs(urlsplit(out.headers["Location"]).query)
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"]
    assert query["redirect_uri"] == ["http://127.0.0.1:5000/login/oidc/callback"]
    assert set(query["scope"][0].split()) == {"openid", "email", "profile"}
    assert len(query["state"][0]) >= 20 and len(query["nonce"][0]) >= 20
    assert len(query["code_challenge"][0]) >= 43


def test_a_person_signs_in_with_one_click_and_is_linked_by_subject(sso_app, provider):
    ann = make_user("ann@example.com", name="Ann")
    provider.person("ann-1", email="Ann@Example.com", email_verified=True, name="Ann")
    client = sso_app.test_client()
    back = sign_in(client, provider, "ann-1")
    assert (back.status_code, back.headers["Location"]) == (302, "/")
    assert client.get("/").status_code == 200
    person = fresh(ann.id)
    assert person.oidc_subject == "ann-1" and person.signed_in_at is not None
    [row] = audit_rows("sign_in")
    assert (row.actor_id, '"method":"oidc"' in row.details) == (ann.id, True)


def test_an_email_change_at_the_provider_keeps_the_same_person(sso_app, provider):
    ann = make_user("ann@example.com", name="Ann")
    provider.person("ann-2", email="ann@example.com", email_verified=True)
    sign_in(sso_app.test_client(), provider, "ann-2")
    provider.person("ann-2", email="ann.married@example.com", email_verified=True)
    client = sso_app.test_client()
    assert sign_in(client, provider, "ann-2").headers["Location"] == "/"
    assert "Ann" in client.get("/").get_data(as_text=True)
    assert user_by_email("ann.married@example.com") is None
    assert fresh(ann.id).oidc_subject == "ann-2"


def test_a_new_provider_account_cannot_take_over_a_linked_address(sso_app, provider):
    make_user("ann@example.com", name="Ann")
    provider.person("ann-3", email="ann@example.com", email_verified=True)
    sign_in(sso_app.test_client(), provider, "ann-3")
    provider.person("intruder", email="ann@example.com", email_verified=True)
    client = sso_app.test_client()
    assert sign_in(client, provider, "intruder").headers["Location"] == "/login"
    assert "linked to another company account" in flashed(client)
    assert [row.outcome for row in audit_rows("sign_in_failed")] == ["subject_mismatch"]


def test_an_admin_unlinks_a_replaced_provider_account(sso_app, provider):
    make_user("ann@example.com", name="Ann")
    provider.person("ann-old", email="ann@example.com", email_verified=True)
    sign_in(sso_app.test_client(), provider, "ann-old")
    provider.person("ann-new", email="ann@example.com", email_verified=True)
    assert sign_in(sso_app.test_client(), provider, "ann-new").headers["Location"] == "/login"
    printed = sso_app.test_cli_runner().invoke(args=["ledger", "unlink-sso", "ann@example.com"])
    assert printed.exit_code == 0 and "ann@example.com unlinked" in printed.output
    assert sign_in(sso_app.test_client(), provider, "ann-new").headers["Location"] == "/"
    assert user_by_email("ann@example.com").oidc_subject == "ann-new"
    assert [row.action for row in audit_rows("unlink_oidc_subject")] == ["unlink_oidc_subject"]


def test_the_admin_page_unlinks_a_linked_person(sso_app, provider):
    ann = make_user("ann@example.com", name="Ann")
    make_user("root@example.com", name="Root", role="admin")
    provider.person("ann-web", email="ann@example.com", email_verified=True)
    admin = sso_app.test_client()
    assert login(admin, "root@example.com").status_code == 302
    assert "Unlink single sign-on" not in admin.get(f"/admin/people/{ann.id}").get_data(True)
    sign_in(sso_app.test_client(), provider, "ann-web")
    page = admin.get(f"/admin/people/{ann.id}").get_data(as_text=True)
    assert "Unlink single sign-on" in page
    token = csrf_token(admin, f"/admin/people/{ann.id}")
    answer = admin.post(f"/admin/people/{ann.id}/unlink-sso", data={"csrf_token": token})
    assert answer.headers["Location"] == f"/admin/people/{ann.id}"
    assert fresh(ann.id).oidc_subject is None


def test_an_unverified_email_is_not_matched(sso_app, provider):
    make_user("ann@example.com", name="Ann")
    provider.person("ann-4", email="ann@example.com", email_verified=False)
    client = sso_app.test_client()
    assert sign_in(client, provider, "ann-4").headers["Location"] == "/login"
    assert "has not verified the address ann@example.com" in flashed(client)
    assert client.get("/").status_code == 302
    assert user_by_email("ann@example.com").oidc_subject is None
    assert [row.outcome for row in audit_rows("sign_in_failed")] == ["email_unverified"]


def test_an_operator_may_trust_the_providers_emails(make_sso_app, provider):
    # Control for the test above: the same unverified claim passes once trusted.
    app = make_sso_app(BATON_OIDC_TRUST_EMAILS="1")
    make_user("ann@example.com", name="Ann")
    provider.person("ann-5", email="ann@example.com")
    assert sign_in(app.test_client(), provider, "ann-5").headers["Location"] == "/"


def test_someone_unknown_is_refused_with_a_clear_page(sso_app, provider):
    provider.person("stranger", email="stranger@example.com", email_verified=True)
    client = sso_app.test_client()
    assert sign_in(client, provider, "stranger").headers["Location"] == "/login"
    page = flashed(client)
    assert "You signed in as stranger@example.com, but Baton has no account" in page
    assert user_by_email("stranger@example.com") is None
    assert [row.outcome for row in audit_rows("sign_in_failed")] == ["unknown_person"]


def test_unknown_people_become_employees_when_the_operator_says_so(make_sso_app, provider):
    app = make_sso_app(BATON_OIDC_CREATE_USERS="1")
    provider.person("newbie", email="newbie@example.com", email_verified=True, name="New Bie")
    client = app.test_client()
    assert sign_in(client, provider, "newbie").headers["Location"] == "/"
    person = user_by_email("newbie@example.com")
    assert (person.name, person.role, person.kind, person.oidc_subject) == (
        "New Bie", "employee", "person", "newbie")  # fmt: skip
    assert person.password_hash is None
    assert client.get("/").status_code == 200


def test_a_deactivated_person_is_refused(sso_app, provider):
    ann = make_user("ann@example.com", name="Ann")
    provider.person("ann-6", email="ann@example.com", email_verified=True)
    from ledger.services.directory import deactivate_user
    from tests.factories import ADMIN_ACTOR, NOW

    deactivate_user(ann.id, now=NOW, actor=ADMIN_ACTOR)
    client = sso_app.test_client()
    assert sign_in(client, provider, "ann-6").headers["Location"] == "/login"
    assert "deactivated" in flashed(client)


def test_logout_ends_a_single_sign_on_session_and_its_copies(sso_app, provider):
    make_user("ann@example.com", name="Ann")
    provider.person("ann-7", email="ann@example.com", email_verified=True)
    client = sso_app.test_client()
    sign_in(client, provider, "ann-7")
    captured = client.get_cookie(SESSION).value
    assert replay(sso_app, **{SESSION: captured}).get("/").status_code == 200
    logout(client)
    assert replay(sso_app, **{SESSION: captured}).get("/").status_code == 302


def test_deactivation_ends_a_single_sign_on_session(sso_app, provider):
    ann = make_user("ann@example.com", name="Ann")
    provider.person("ann-8", email="ann@example.com", email_verified=True)
    client = sso_app.test_client()
    sign_in(client, provider, "ann-8")
    assert client.get("/").status_code == 200
    from ledger.services.directory import deactivate_user
    from tests.factories import ADMIN_ACTOR, NOW

    deactivate_user(ann.id, now=NOW, actor=ADMIN_ACTOR)
    assert client.get("/").status_code == 302


def test_next_survives_the_round_trip_but_only_on_this_site(sso_app, provider):
    make_user("ann@example.com", name="Ann")
    provider.person("ann-9", email="ann@example.com", email_verified=True)
    here = sign_in(sso_app.test_client(), provider, "ann-9", start="/login/oidc?next=/feed")
    assert here.headers["Location"] == "/feed"
    away = sign_in(sso_app.test_client(), provider, "ann-9",
                   start="/login/oidc?next=https://evil.example/")  # fmt: skip
    assert away.headers["Location"] == "/"


def test_the_login_page_offers_the_provider(sso_app):
    page = sso_app.test_client().get("/login").get_data(as_text=True)
    assert "Sign in with Example SSO" in page and 'name="password"' in page


def test_sso_only_hides_passwords_but_for_the_break_glass_admin(make_sso_app):
    app = make_sso_app(BATON_OIDC_ONLY="1")
    make_user("ann@example.com", name="Ann")
    make_user("root@example.com", name="Root", role="admin")
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    assert "Sign in with Example SSO" in page and 'name="password"' not in page
    assert 'name="password"' in client.get("/login?password=1").get_data(as_text=True)
    assert login(client, "ann@example.com").status_code == 401
    assert audit_rows("sign_in_failed")[-1].outcome == "sso_only"
    assert login(client, "root@example.com").status_code == 302


def test_a_named_break_glass_account_is_the_only_password_left(make_sso_app):
    app = make_sso_app(BATON_OIDC_ONLY="1", BATON_OIDC_BREAK_GLASS="glass@example.com")
    make_user("root@example.com", name="Root", role="admin")
    make_user("glass@example.com", name="Glass", role="admin")
    assert login(app.test_client(), "root@example.com").status_code == 401
    assert login(app.test_client(), "glass@example.com").status_code == 302


def test_without_single_sign_on_the_routes_do_not_exist(app):
    assert app.test_client().get("/login/oidc").status_code == 404
    assert app.test_client().get("/login/oidc/callback?code=x&state=y").status_code == 404


def test_claims_no_database_can_store_are_refused_cleanly(sso_app, provider):
    provider.person("odd", email="ann\u0000@example.com", email_verified=True)
    client = sso_app.test_client()
    assert sign_in(client, provider, "odd").headers["Location"] == "/login"
    assert "shared no email address" in flashed(client)
    assert [row.outcome for row in audit_rows("sign_in_failed")] == ["no_email"]


def test_a_callback_without_any_parameters_is_a_sentence_not_an_error(sso_app):
    client = sso_app.test_client()
    answer = client.get("/login/oidc/callback")
    assert (answer.status_code, answer.headers["Location"]) == (302, "/login")
    assert "already used or has expired" in flashed(client)
