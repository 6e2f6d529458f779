"""Mail tests: the app sends notification mail through a real local SMTP server."""

import pytest

from tests.mail.smtp_server import start_smtp


@pytest.fixture
def smtp(app):
    controller, inbox = start_smtp()
    app.config.update(
        BATON_MAIL_NOTIFICATIONS="1",
        BATON_SMTP_URL=f"smtp://127.0.0.1:{controller.port}",
        BATON_MAIL_FROM="Baton <baton@example.com>",
        BATON_BASE_URL="https://baton.example.com",
    )
    yield inbox
    controller.stop()
