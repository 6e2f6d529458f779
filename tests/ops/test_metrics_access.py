"""Who may read /metrics: anyone in development, a token holder; in production, only a token."""

from __future__ import annotations

import pytest

from tests.factories import make_app


@pytest.fixture
def app_with(sqlite_template):
    urls = []

    def build(**config):
        urls.append(sqlite_template.new_database())
        return make_app(urls[-1], **config)

    yield build
    for url in urls:
        sqlite_template.drop(url)


def test_metrics_are_open_in_development_without_a_token(client):
    assert client.get("/metrics").status_code == 200


@pytest.mark.parametrize(
    ("authorization", "status"),
    [
        (None, 401),
        ("Bearer wrong-token", 401),
        ("Bearer metrics-secret-token ", 401),
        ("metrics-secret-token", 401),
        ("Bearer metrics-secret-token", 200),
    ],
)
def test_a_metrics_token_is_required_once_configured(app_with, authorization, status):
    app = app_with(BATON_METRICS_TOKEN="metrics-secret-token")
    headers = {"Authorization": authorization} if authorization else {}
    with app.app_context():
        assert app.test_client().get("/metrics", headers=headers).status_code == status


def test_production_hides_metrics_unless_a_token_is_set(app_with):
    hidden = app_with(BATON_ENV="production")
    with hidden.app_context():
        assert hidden.test_client().get("/metrics").status_code == 404
        # The probes stay open: a load balancer has no credentials.
        assert hidden.test_client().get("/healthz").status_code == 200
    shown = app_with(BATON_ENV="production", BATON_METRICS_TOKEN="metrics-secret-token")
    with shown.app_context():
        headers = {"Authorization": "Bearer metrics-secret-token"}
        assert shown.test_client().get("/metrics", headers=headers).status_code == 200
