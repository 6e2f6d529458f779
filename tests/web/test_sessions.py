"""Sessions that really end: logout, remember-me, password change, deactivation, next=."""

import re

import pytest
from flask.testing import FlaskClient

from ledger.clock import utcnow
from ledger.operations import Actor
from ledger.password_links import admin_link
from ledger.queries.people import user_by_email
from ledger.services.directory import deactivate_user
from tests.factories import make_user
from tests.figures import write_figure

PASSWORD = "correct horse battery"
SESSION = "baton_session"
REMEMBER = "baton_remember"


class FreshClient(FlaskClient):
    """A test client whose every request gets its own app context, as in production.

    The `app` fixture keeps an app context pushed, and a request reuses it, so `g` (where
    Flask-Login caches the current user) would leak from one request into the next.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = FreshClient
    return app.test_client()


def csrf_token(client, path="/login") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def login(client, email, password=PASSWORD, *, remember=False, next_=None, **kwargs):
    form = {"email": email, "password": password, "csrf_token": csrf_token(client)}
    if remember:
        form["remember"] = "y"
    url = "/login" + (f"?next={next_}" if next_ else "")
    return client.post(url, data=form, **kwargs)


def logout(client):
    return client.post("/logout", data={"csrf_token": csrf_token(client, "/")})


def replay(app, **cookies):
    """A fresh browser that holds only the given cookies."""
    stranger = app.test_client()
    for name, value in cookies.items():
        stranger.set_cookie(name, value)
    return stranger


def logged_in(client) -> bool:
    return client.get("/").status_code == 200


@pytest.fixture
def ann(app):
    return make_user("ann@example.com", name="Ann")


def test_login_form_has_the_documented_fields(client):
    page = client.get("/login").get_data(as_text=True)
    for field in ('name="email"', 'name="password"', 'name="csrf_token"', ">Email<", ">Password<"):
        assert field in page


def test_unknown_user_and_wrong_password_get_the_same_answer(client, ann):
    unknown = login(client, "ghost@example.com")
    wrong = login(client, "ann@example.com", "wrong password!")
    assert unknown.status_code == wrong.status_code == 401
    assert b"do not match an active account" in unknown.data
    assert b"do not match an active account" in wrong.data


def test_a_cookie_captured_before_logout_is_refused_after_it(app, client, ann):
    assert login(client, "ann@example.com").status_code == 302
    captured = client.get_cookie(SESSION).value
    assert logged_in(replay(app, **{SESSION: captured}))
    logout(client)
    assert not logged_in(client)
    assert replay(app, **{SESSION: captured}).get("/").status_code == 302
    write_figure("sessions", part="cookie-replay", violations=0, scenarios=1)


def test_without_the_version_bump_the_replayed_cookie_would_work(app, client, ann, monkeypatch):
    # Negative control: a logout that only clears the cookie leaves the copy alive.
    monkeypatch.setattr("web.views.auth.end_sessions", lambda user_id, **kwargs: None)
    login(client, "ann@example.com")
    captured = client.get_cookie(SESSION).value
    logout(client)
    assert logged_in(replay(app, **{SESSION: captured}))


def test_a_remember_me_cookie_dies_at_logout(app, client, ann):
    login(client, "ann@example.com", remember=True)
    remembered = client.get_cookie(REMEMBER).value
    assert logged_in(replay(app, **{REMEMBER: remembered}))
    logout(client)
    assert not logged_in(replay(app, **{REMEMBER: remembered}))
    write_figure("sessions", part="remember-me", violations=0, scenarios=1)


def test_a_remember_me_cookie_survives_a_logout_without_the_bump(app, client, ann, monkeypatch):
    # Negative control for the test above.
    monkeypatch.setattr("web.views.auth.end_sessions", lambda user_id, **kwargs: None)
    login(client, "ann@example.com", remember=True)
    remembered = client.get_cookie(REMEMBER).value
    logout(client)
    assert logged_in(replay(app, **{REMEMBER: remembered}))


def test_a_password_change_ends_other_sessions_but_keeps_this_one(app, client, ann):
    other = app.test_client()
    login(other, "ann@example.com")
    login(client, "ann@example.com")
    form = {
        "current": PASSWORD,
        "new": "a brand new password",
        "confirm": "a brand new password",
        "csrf_token": csrf_token(client, "/account/password"),
    }
    assert client.post("/account/password", data=form).status_code == 302
    assert logged_in(client)
    assert not logged_in(other)
    assert login(app.test_client(), "ann@example.com", "a brand new password").status_code == 302
    write_figure("sessions", part="password-change", violations=0, scenarios=1)


def test_a_wrong_current_password_changes_nothing(app, client, ann):
    login(client, "ann@example.com")
    form = {
        "current": "not my password",
        "new": "a brand new password",
        "confirm": "a brand new password",
        "csrf_token": csrf_token(client, "/account/password"),
    }
    assert client.post("/account/password", data=form).status_code == 422
    assert login(app.test_client(), "ann@example.com").status_code == 302


def test_deactivation_ends_the_web_session(app, client, ann, now):
    login(client, "ann@example.com")
    assert logged_in(client)
    deactivate_user(ann.id, now=now, actor=Actor(None))
    assert not logged_in(client)
    assert login(app.test_client(), "ann@example.com").status_code == 401
    write_figure("sessions", part="deactivation", violations=0, scenarios=1)


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example.com/",
        "//evil.example.com/path",
        "/\\evil.example.com",
        "http:/evil.example.com",
        "javascript:alert(1)",
    ],
)
def test_next_refuses_other_sites(client, ann, target):
    response = login(client, "ann@example.com", next_=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_next_accepts_a_path_on_this_site(client, ann):
    response = login(client, "ann@example.com", next_="/feed?page=2")
    assert response.headers["Location"] == "/feed?page=2"


def test_the_set_password_link_works_once(app, client):
    make_user("new@example.com", password=None)
    link = admin_link(user_by_email("new@example.com").id, now=utcnow(), actor=Actor(None))
    assert link.startswith("http://127.0.0.1:5000/set-password/")
    path = link.removeprefix("http://127.0.0.1:5000")
    form = {"new": "my first password", "confirm": "my first password"}
    form["csrf_token"] = csrf_token(client, path)
    assert client.post(path, data=form).status_code == 302
    assert login(app.test_client(), "new@example.com", "my first password").status_code == 302
    assert client.get(path).status_code == 404


def test_the_set_password_cli_prints_a_link(app):
    make_user("new@example.com", password=None)
    result = app.test_cli_runner().invoke(args=["ledger", "set-password", "NEW@example.com"])
    assert result.exit_code == 0
    assert result.output.strip().startswith("http://127.0.0.1:5000/set-password/")
    unknown = app.test_cli_runner().invoke(args=["ledger", "set-password", "x@example.com"])
    assert unknown.exit_code != 0


def test_production_hashes_use_scrypt(app):
    from ledger.services.access import hash_password

    app.config["PASSWORD_HASH_METHOD"] = "scrypt"
    assert hash_password("a long password").startswith("scrypt:")


def test_a_cookie_replayed_after_logout_cannot_read_the_api(app, client, ann):
    login(client, "ann@example.com")
    captured = client.get_cookie(SESSION).value
    assert replay(app, **{SESSION: captured}).get("/api/v1/me").status_code == 200
    logout(client)
    refused = replay(app, **{SESSION: captured}).get("/api/v1/me")
    assert refused.status_code == 401 and refused.json["error"]["code"] == "unauthenticated"
    write_figure("sessions", part="api-cookie-replay", violations=0, scenarios=1)


def test_production_cookies_are_secure_http_only_and_same_site(sqlite_template):
    from tests.factories import make_app

    url = sqlite_template.new_database()
    app = make_app(url, BATON_ENV="production")
    app.test_client_class = FreshClient
    with app.app_context():
        make_user("ann@example.com")
    client = app.test_client()
    https = "https://localhost"
    page = client.get("/login", base_url=https).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    form = {"email": "ann@example.com", "password": PASSWORD, "remember": "y", "csrf_token": token}
    # Flask-WTF checks the Referer on HTTPS, as a browser would send it.
    response = client.post("/login", data=form, base_url=https, headers={"Referer": https + "/"})
    assert response.status_code == 302
    cookies = {value.split("=", 1)[0]: value for value in response.headers.getlist("Set-Cookie")}
    for name in (SESSION, REMEMBER):
        flags = cookies[name].lower()
        assert "secure" in flags and "httponly" in flags and "samesite=lax" in flags, flags
    assert (
        "max-age=31536000"
        in client.get("/login", base_url="https://localhost").headers["Strict-Transport-Security"]
    )
    sqlite_template.drop(url)
