"""Every answer under /api/ is JSON in one error shape, whatever went wrong."""

import pytest


@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v2/awards", "/api/"])
def test_unknown_api_urls_answer_json_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.is_json
    assert response.json["error"]["code"] == "not_found"


def test_a_wrong_method_answers_405_with_allow(client):
    response = client.delete("/api/v1/service-kinds")
    assert response.status_code == 405
    assert response.json["error"]["code"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]


def test_no_credentials_answers_401_json(client):
    response = client.get("/api/v1/service-kinds")
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthenticated"


def test_the_openapi_document_is_public(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json["info"]["title"] == "Baton"


def test_web_errors_stay_html(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
