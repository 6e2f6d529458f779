"""Production refuses mail it could never send; STARTTLS is used when the server offers it."""

import datetime
import ipaddress
import ssl

import pytest
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ledger.config import ConfigurationError, mail_on
from ledger.mail.compose import Recipient, compose
from ledger.mail.transport import MailRefused, deliver, server
from tests.factories import make_app
from tests.mail.smtp_server import start_smtp


def test_production_refuses_mail_switched_on_without_smtp(sqlite_template):
    with pytest.raises(ConfigurationError, match="BATON_SMTP_URL"):
        make_app(
            sqlite_template.new_database(), BATON_ENV="production", BATON_MAIL_NOTIFICATIONS="1"
        )


def test_production_without_smtp_starts_with_mail_off(sqlite_template):
    app = make_app(
        sqlite_template.new_database(), BATON_ENV="production", BATON_MAIL_NOTIFICATIONS=None
    )
    assert mail_on(app) is False
    with_smtp = make_app(
        sqlite_template.new_database(),
        BATON_ENV="production",
        BATON_MAIL_NOTIFICATIONS=None,
        BATON_SMTP_URL="smtp://mailer:secret@smtp.example.com:587",
    )
    assert mail_on(with_smtp) is True


def test_development_sends_mail_to_the_log_by_default(sqlite_template):
    app = make_app(sqlite_template.new_database(), BATON_MAIL_NOTIFICATIONS=None)
    assert mail_on(app) is True


def test_an_unreadable_smtp_url_is_refused_at_start(sqlite_template):
    with pytest.raises(ConfigurationError, match="smtp://"):
        make_app(
            sqlite_template.new_database(), BATON_ENV="production", BATON_SMTP_URL="mail.example"
        )


def test_the_smtp_url_is_read_with_its_escaped_password():
    found = server("smtp://ann%40corp:p%2Fss@mail.example.com")
    assert (found.host, found.port, found.user, found.password) == (
        "mail.example.com",
        587,
        "ann@corp",
        "p/ss",
    )
    assert server("smtps://mail.example.com").port == 465


def certificate(tmp_path):
    """A self-signed certificate for 127.0.0.1, trusted through SSL_CERT_FILE."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class Logins:
    def __init__(self):
        self.seen = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        self.seen.append((auth_data.login, auth_data.password, session.ssl is not None))
        return AuthResult(success=auth_data.password == b"s3cret")


def test_starttls_is_used_when_offered_and_the_password_goes_over_it(app, tmp_path, monkeypatch):
    cert_path, key_path = certificate(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    logins = Logins()
    controller, inbox = start_smtp(
        tls_context=context, require_starttls=True, authenticator=logins, auth_required=True
    )
    try:
        monkeypatch.setenv("SSL_CERT_FILE", str(cert_path))
        app.config.update(BATON_SMTP_URL=f"smtp://mailer:s3cret@127.0.0.1:{controller.port}")
        message = compose("password", Recipient(1, "Ann", "ann@example.com"), "Hi", kind=None,
                          link="https://baton.example.com/x")  # fmt: skip
        deliver(message)
        assert logins.seen == [(b"mailer", b"s3cret", True)]
        assert [mail.rcpt_tos for mail in inbox.mails] == [["ann@example.com"]]

    finally:
        controller.stop()

    # The negative control: a server without TLS is seen as such by the same check.
    plain, _ = start_smtp(authenticator=logins, auth_require_tls=False)
    try:
        app.config.update(BATON_SMTP_URL=f"smtp://mailer:s3cret@127.0.0.1:{plain.port}")
        deliver(message)  # allowed only because the server is on this machine
        assert logins.seen[-1] == (b"mailer", b"s3cret", False)
    finally:
        plain.stop()


def test_a_password_is_not_sent_in_clear_to_another_machine(app, monkeypatch):
    sent = []

    class NoTls:
        def __init__(self, host, port, timeout):
            self.host = host

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def ehlo(self):
            pass

        def has_extn(self, name):
            return False

        def login(self, user, password):
            sent.append(password)

    monkeypatch.setattr("ledger.mail.transport.smtplib.SMTP", NoTls)
    app.config.update(BATON_SMTP_URL="smtp://mailer:s3cret@mail.example.com:587")
    message = compose("password", Recipient(1, "Ann", "ann@example.com"), "Hi", kind=None,
                      link="https://baton.example.com/x")  # fmt: skip
    with pytest.raises(MailRefused, match="no TLS"):
        deliver(message)
    assert sent == []
