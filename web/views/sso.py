"""Sign in through the company's OpenID Connect provider: out to it, and back."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, request, session, url_for
from flask_login import login_user

from ledger.clock import utcnow
from ledger.sso.oidc import SsoRefused, sign_in_with_oidc, sso_failed
from web.acting import request_actor
from web.oidc import SignInFailed, identity_from_callback, redirect_to_provider, sso_settings
from web.views.auth import renew_csrf_token, safe_next

bp = Blueprint("sso", __name__)
NEXT = "sso_next"

# What each failure tells the person; the reason itself goes to the audit trail.
FAILURES = {
    "state_mismatch": "That sign-in link was already used or has expired. Please sign in again.",
    "code_rejected": "Your company account did not confirm the sign-in. Please sign in again.",
    "provider_refused": "Your company account did not let you in. Please try again.",
    "bad_signature": "The answer from your company account could not be verified, so you "
    "were not signed in. Tell your administrator.",
    "token_expired": "The answer from your company account had expired. Please sign in again.",
    "invalid_token": "The answer from your company account was not meant for Baton, so "
    "you were not signed in. Please sign in again.",
    "issuer_mismatch": "Single sign-on is misconfigured (the provider is not the one "
    "Baton trusts). Tell your administrator.",
    "provider_unavailable": "Your company account could not be reached. Please try again "
    "in a few minutes.",
    "provider_unusable": "Your company account answered in a way Baton does not "
    "understand. Tell your administrator.",
}
REFUSALS = {
    "unknown_person": "You signed in as {email}, but Baton has no account for that address. "
    "Ask a Baton admin to add you.",
    "inactive": "Your Baton account is deactivated. Ask a Baton admin if this is a mistake.",
    "not_a_person": "That account is not a person's and cannot sign in.",
    "no_email": "Your company account shared no email address, so Baton cannot tell who you "
    "are. Ask your administrator to release the email claim to Baton.",
    "email_unverified": "Your company account has not verified the address {email}, so "
    "Baton cannot match it to a person. Ask your administrator.",
    "subject_mismatch": "The address {email} belongs to a Baton account linked to another "
    "company account. Ask a Baton admin.",
    "cannot_create": "Baton could not create an account for {email}. Ask a Baton admin.",
    "bad_subject": "Your company account sent an identifier Baton cannot store. Tell your "
    "administrator.",
}


@bp.get("/login/oidc")
def start():
    if sso_settings() is None:
        abort(404)
    session[NEXT] = safe_next(request.args.get("next"))
    try:
        return redirect_to_provider(_callback_url())
    except SignInFailed as failure:
        return _failed(failure)


@bp.get("/login/oidc/callback")
def callback():
    settings = sso_settings()
    if settings is None:
        abort(404)
    try:
        identity = identity_from_callback()
    except SignInFailed as failure:
        return _failed(failure)
    try:
        user = sign_in_with_oidc(identity, trust_emails=settings.trust_emails,
                                 create_users=settings.create_users, now=utcnow(),
                                 actor=request_actor(None))  # fmt: skip
    except SsoRefused as refusal:
        flash(REFUSALS[refusal.details["reason"]].format(email=identity.email or ""), "error")
        return redirect(url_for("auth.login"))
    login_user(user)
    renew_csrf_token()
    return redirect(session.pop(NEXT, None) or url_for("pages.home"))


def _callback_url() -> str:
    # The address registered at the provider: from BATON_BASE_URL, never from the Host header.
    return str(current_app.config["BATON_BASE_URL"]).rstrip("/") + url_for("sso.callback")


def _failed(failure: SignInFailed):
    sso_failed(failure.reason, now=utcnow(), actor=request_actor(None),
               details={"error": failure.detail})  # fmt: skip
    flash(FAILURES[failure.reason], "error")
    return redirect(url_for("auth.login"))
