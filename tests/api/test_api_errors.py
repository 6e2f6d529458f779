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


def test_a_request_over_two_megabytes_answers_413_in_the_json_shape(client):
    response = client.post(
        "/api/v1/awards", data=b"x" * (2 * 1024 * 1024 + 1), content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json["error"]["code"] == "too_large"


def test_the_user_import_may_send_more_than_two_megabytes(client):
    # Negative control for the limit above: only the import is allowed past 2 MB; without a
    # token it is refused for that reason (401), not for its size.
    response = client.post(
        "/api/v1/users/import", data=b"x" * (3 * 1024 * 1024), content_type="text/csv"
    )
    assert response.status_code == 401


def test_a_missing_object_answers_404_before_a_missing_idempotency_key(app, client, now):
    from ledger.tokens import create_token
    from tests.factories import ADMIN_ACTOR, make_user

    admin = make_user("root@example.com", role="admin")
    raw, _ = create_token(
        admin.id, name="t", scopes=["admin", "manage"], now=now, actor=ADMIN_ACTOR
    )
    headers = {"Authorization": f"Bearer {raw}"}
    for path in ("/api/v1/awards/999999/reversal", "/api/v1/bonus-runs/999999/commit"):
        missing = client.post(path, json={"reason": "x"}, headers=headers)
        assert (missing.status_code, missing.json["error"]["code"]) == (404, "not_found"), path
    # Negative control: with an object that exists, the missing key is what answers.
    from tests.factories import make_award

    award = make_award(make_user("other@example.com"), [admin], points=1, now=now)
    keyless = client.post(
        f"/api/v1/awards/{award['id']}/reversal", json={"reason": "x"}, headers=headers
    )
    assert keyless.json["error"]["code"] == "idempotency_key_missing"
