"""Production logs are one JSON object per line, carry the request id and never a secret."""

from __future__ import annotations

import json
import logging

import pytest

from tests.factories import make_app


@pytest.fixture
def json_app(sqlite_template):
    url = sqlite_template.new_database()
    app = make_app(url, BATON_LOG_FORMAT="json")
    with app.app_context():
        yield app
    sqlite_template.drop(url)


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_each_request_logs_one_json_object_with_its_request_id(json_app, capsys):
    capsys.readouterr()
    json_app.test_client().get("/healthz", headers={"X-Request-Id": "trace-7"})
    records = json_lines(capsys.readouterr().err)
    request_line = next(r for r in records if r["logger"] == "baton.request")
    assert request_line["request_id"] == "trace-7"
    assert request_line["route"] == "/healthz"
    assert request_line["status"] == 200
    assert request_line["level"] == "INFO"


def test_a_message_with_line_breaks_stays_one_line(json_app, capsys):
    capsys.readouterr()
    logging.getLogger("baton.test").warning("user said: %s", 'ok\r\n{"level": "forged"}')
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0])["message"] == 'user said: ok\r\n{"level": "forged"}'


def test_secrets_in_the_url_never_reach_the_log(json_app, capsys):
    capsys.readouterr()
    client = json_app.test_client()
    client.get("/set-password/reset-secret-abc123")
    client.get("/api/v1/me?access_token=baton_querysecretvalue1234567890")
    err = capsys.readouterr().err
    assert "reset-secret-abc123" not in err
    assert "querysecretvalue" not in err
    routes = [r.get("route") for r in json_lines(err)]
    assert "/set-password/<token>" in routes


def test_the_text_format_is_the_development_default(app, capsys):
    capsys.readouterr()
    app.test_client().get("/healthz", headers={"X-Request-Id": "trace-8"})
    err = capsys.readouterr().err
    assert "[trace-8] GET /healthz 200" in err
    with pytest.raises(json.JSONDecodeError):
        json_lines(err)
