"""Log in and out, change a password, and set one through a one-time link."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from ledger.clock import utcnow
from ledger.errors import LedgerError
from ledger.i18n import translated
from ledger.password_links import link_user, mail_configured, request_reset, set_password_by_link
from ledger.queries.people import user_by_id
from ledger.sessions import change_password, end_sessions, sign_in
from web.acting import request_actor, web_actor
from web.oidc import sso_settings
from web.text import TextForm

bp = Blueprint("auth", __name__)


class LoginForm(TextForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    remember = BooleanField(_l("Keep me logged in on this device"))


class ForgotForm(TextForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])


class NewPasswordForm(TextForm):
    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=10, max=1024)])
    confirm = PasswordField(
        _l("Repeat the new password"), validators=[EqualTo("new", _l("The passwords differ."))]
    )


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=1024)])


def renew_csrf_token() -> None:
    """Drop the session's CSRF secret so that the next form carries a new token."""
    # A token seen before login (or in the session that ended) must not work afterwards.
    name = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    session.pop(name, None)
    g.pop(name, None)


def safe_next(target: str | None) -> str | None:
    """Accept only a relative path on this site as a place to return to."""
    if not target:
        return None
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or any(ord(char) < 32 for char in target)
    ):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    form = LoginForm()
    sso = sso_settings()
    if form.validate_on_submit():
        user = sign_in(
            form.email.data,
            form.password.data,
            now=utcnow(),
            actor=request_actor(None),
            remember=form.remember.data,
            allowed=sso.may_use_password if sso is not None else None,
        )
        if user is not None:
            login_user(user, remember=form.remember.data)
            renew_csrf_token()
            return redirect(safe_next(request.args.get("next")) or url_for("pages.home"))
        flash(_("That email and password do not match an active account."), "error")
    # With single sign-on only, the password form is kept for the break-glass admins.
    passwords = sso is None or not sso.only or "password" in request.args or form.is_submitted()
    page = render_template("auth/login.html", form=form, sso=sso, passwords=passwords)
    return page, 200 if request.method == "GET" else 401


@bp.post("/logout")
def logout():
    end_sessions(current_user.id, now=utcnow(), actor=web_actor())
    logout_user()
    renew_csrf_token()
    flash(_("You are logged out everywhere."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
def password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            change_password(
                current_user.id, form.current.data, form.new.data, now=utcnow(), actor=web_actor()
            )
        except LedgerError as error:
            form.current.errors = [translated(error.message)]
        else:
            # The version moved on: keep this session, every other one has ended.
            login_user(user_by_id(current_user.id))
            flash(_("Your password is changed; your other sessions have ended."), "info")
            return redirect(url_for("pages.home"))
    return render_template("auth/password.html", form=form), 200 if request.method == "GET" else 422


@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot_password():
    form = ForgotForm()
    if form.validate_on_submit():
        request_reset(form.email.data, now=utcnow(), actor=request_actor(None))
        # The same answer whether or not the address has an account: no one learns who does.
        flash(
            _(
                "If that address belongs to an account, a link to set a new password is on "
                "its way; it works once, for an hour."
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    status = 200 if request.method == "GET" else 422
    return render_template("auth/forgot.html", form=form, mail=mail_configured()), status


@bp.route("/set-password/<token>", methods=["GET", "POST"])
def set_password(token: str):
    if link_user(token, utcnow()) is None:
        return render_template("auth/link_spent.html"), 404
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            set_password_by_link(token, form.new.data, now=utcnow(), actor=request_actor(None))
        except LedgerError as error:
            form.new.errors = [translated(error.message)]
        else:
            logout_user()
            renew_csrf_token()
            flash(_("Your password is set; log in with it now."), "info")
            return redirect(url_for("auth.login"))
    return render_template("auth/set_password.html", form=form), (
        200 if request.method == "GET" else 422
    )
