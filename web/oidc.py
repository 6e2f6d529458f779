"""The OpenID Connect client (Authlib): discovery, the redirect out, and checking the way back.

Authorization code flow with PKCE (S256), `state` and `nonce`; Authlib keeps the verifier,
the nonce and the redirect URI in the signed session under the state, and drops them when
the callback uses them, so a callback works once.
"""

from __future__ import annotations

from contextlib import contextmanager

from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app, request
from joserfc.errors import BadSignatureError, ExpiredTokenError, JoseError
from requests import RequestException

from ledger.sso.oidc import OidcIdentity
from ledger.sso.settings import OidcSettings, oidc_settings

CLIENT = "oidc"
SCOPE = "openid email profile"
TIMEOUT_SECONDS = 10
EXTENSION = "baton_oidc"
REGISTRY = "authlib.integrations.flask_client"


class SignInFailed(Exception):
    """The way back from the provider did not prove anyone; `reason` is audited."""

    def __init__(self, reason: str, detail: object = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = str(detail)


def init_app(app: Flask) -> None:
    """Register the provider's client when BATON_OIDC_ISSUER is set (metadata loads lazily)."""
    settings = oidc_settings(app.config)
    app.extensions[EXTENSION] = settings
    if settings is None:
        return
    OAuth(app).register(
        CLIENT,
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        server_metadata_url=settings.discovery_url,
        client_kwargs={
            "scope": SCOPE,
            "code_challenge_method": "S256",
            "default_timeout": TIMEOUT_SECONDS,
        },
    )


def sso_settings() -> OidcSettings | None:
    """Return this app's single sign-on settings, or None when it has none."""
    return current_app.extensions.get(EXTENSION)


def redirect_to_provider(callback_url: str):
    """Answer with the redirect to the provider's authorization endpoint."""
    client = _client()
    with _failures():
        _check_issuer(client)
        return client.authorize_redirect(callback_url)


def identity_from_callback() -> OidcIdentity:
    """Check the provider's answer (state, code, ID token signature, expiry, nonce, issuer,
    audience) and return who it vouches for; raise SignInFailed otherwise."""
    client = _client()
    with _failures():
        _check_issuer(client)
        token = client.authorize_access_token()
        claims = dict(token.get("userinfo") or {})
        if not claims.get("sub"):
            raise SignInFailed("invalid_token", "the ID token names no subject")
        if "email" not in claims and client.load_server_metadata().get("userinfo_endpoint"):
            extra = client.userinfo(token=token)
            if extra.get("sub") == claims["sub"]:
                claims = {**extra, **claims}
    verified = claims.get("email_verified")
    return OidcIdentity(
        subject=str(claims["sub"]),
        email=claims["email"] if isinstance(claims.get("email"), str) else None,
        email_verified=verified is True or str(verified).lower() == "true",
        name=claims["name"] if isinstance(claims.get("name"), str) else None,
    )


def _client():
    return current_app.extensions[REGISTRY].create_client(CLIENT)


def _check_issuer(client) -> None:
    stated = client.load_server_metadata().get("issuer")
    if not sso_settings().same_issuer(stated):
        raise SignInFailed("issuer_mismatch", f"the provider calls itself {stated!r}")


@contextmanager
def _failures():
    """Turn what can go wrong with a provider into SignInFailed with a stable reason."""
    try:
        yield
    except MismatchingStateError as error:
        raise SignInFailed("state_mismatch", error.description) from error
    except OAuthError as error:
        # An error in the callback's own query is the provider's refusal; any other came
        # from the token endpoint (a used, expired or forged code).
        reason = "provider_refused" if request.args.get("error") else "code_rejected"
        raise SignInFailed(reason, error.description or error.error) from error
    except BadSignatureError as error:
        raise SignInFailed("bad_signature", error) from error
    except ExpiredTokenError as error:
        raise SignInFailed("token_expired", error) from error
    except JoseError as error:
        raise SignInFailed("invalid_token", error) from error
    except RequestException as error:
        raise SignInFailed("provider_unavailable", type(error).__name__) from error
    except (AuthlibBaseError, RuntimeError, ValueError, KeyError) as error:
        # A discovery document or answer that does not say what OpenID Connect requires.
        raise SignInFailed("provider_unusable", error) from error
