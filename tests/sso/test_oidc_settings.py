"""The single sign-on settings: read as the environment spells them, refused when unusable."""

import pytest

from ledger.config import ConfigurationError
from ledger.sso.settings import oidc_problems, oidc_settings
from tests.factories import make_app

ISSUER = {"BATON_OIDC_ISSUER": "https://login.example.com", "BATON_OIDC_CLIENT_ID": "baton",
          "BATON_OIDC_CLIENT_SECRET": "secret"}  # fmt: skip


def test_no_issuer_means_no_single_sign_on():
    assert oidc_settings({}) is None
    assert oidc_problems({}, production=True) == []


def test_flags_and_the_break_glass_list_are_read_as_written():
    glass = " Glass@Example.com, ,b@example.com"
    settings = oidc_settings({**ISSUER, "BATON_OIDC_ONLY": "yes", "BATON_OIDC_CREATE_USERS": "0",
                              "BATON_OIDC_BREAK_GLASS": glass})  # fmt: skip
    assert (settings.only, settings.create_users, settings.trust_emails) == (True, False, False)
    assert settings.break_glass == {"glass@example.com", "b@example.com"}
    assert settings.may_use_password("glass@example.com", "employee")
    assert not settings.may_use_password("root@example.com", "admin")
    assert settings.name == "your company account"
    assert settings.discovery_url == "https://login.example.com/.well-known/openid-configuration"


def test_without_a_break_glass_list_every_admin_keeps_a_password():
    settings = oidc_settings({**ISSUER, "BATON_OIDC_ONLY": "1"})
    assert settings.may_use_password("root@example.com", "admin")
    assert not settings.may_use_password("ann@example.com", "employee")


def test_the_issuer_must_be_the_configured_one():
    settings = oidc_settings(ISSUER)
    assert settings.same_issuer("https://login.example.com/")
    assert not settings.same_issuer("https://login.example.com.evil.example")
    assert not settings.same_issuer(None)


@pytest.mark.parametrize(
    ("config", "production", "problem"),
    [
        ({"BATON_OIDC_ISSUER": "https://login.example.com"}, False, "BATON_OIDC_CLIENT_ID"),
        ({**ISSUER, "BATON_OIDC_ISSUER": "http://login.example.com"}, True, "https://"),
        ({"BATON_OIDC_ONLY": "1"}, False, "BATON_OIDC_ISSUER is not set"),
    ],
)
def test_an_unusable_configuration_stops_the_start(config, production, problem):
    assert problem in " ".join(oidc_problems(config, production=production))


def test_the_app_refuses_to_start_with_half_a_configuration(tmp_path):
    with pytest.raises(ConfigurationError, match="BATON_OIDC_CLIENT_SECRET"):
        make_app(f"sqlite:///{tmp_path}/x.sqlite3", BATON_OIDC_ISSUER="https://login.example.com")
    assert oidc_problems({**ISSUER}, production=True) == []  # control: the whole set starts
