"""The OpenAPI document states every limit and status; the docs page works offline under CSP."""

from __future__ import annotations

import re

import pytest

SPEC = "/api/v1/openapi.json"
MINE = ["/api/v1/awards", "/api/v1/leaderboard", "/api/v1/allowances/top-ups"]


@pytest.fixture
def spec(client):
    return client.get(SPEC).json


def operations(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield path, method, operation


def test_every_request_body_refuses_unknown_fields(spec):
    schemas = spec["components"]["schemas"]
    for _path, _method, operation in operations(spec):
        body = operation.get("requestBody")
        if body is None or "application/json" not in body["content"]:
            continue
        ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        assert schemas[ref]["additionalProperties"] is False, ref


def test_every_integer_in_a_request_body_has_a_range(spec):
    for name in ("AwardCreate", "TopUpCreate"):
        points = spec["components"]["schemas"][name]["properties"]["points"]
        assert (points["minimum"], points["maximum"]) >= (1, 1)


def test_every_authenticated_operation_documents_401_and_403(spec):
    for path, method, operation in operations(spec):
        if path.endswith("openapi.json"):
            continue
        # GET /me takes any valid credentials, so it cannot answer 403.
        expected = {"401"} if path == "/api/v1/me" else {"401", "403"}
        assert expected <= set(operation["responses"]), (method, path)


def test_point_moving_operations_document_400_409_422_and_503(spec):
    for path, item in spec["paths"].items():
        if path.startswith("/api/v1/bonus-runs"):
            continue  # documented by the bonus-run endpoints themselves
        if path.startswith("/api/v1/webhooks"):
            continue  # subscriptions and retries move no points and take no Idempotency-Key
        post = item.get("post")
        if post is None or path.endswith("/import") or path == "/api/v1/users":
            continue
        assert {"400", "409", "422", "503"} <= set(post["responses"]), path
    assert "429" in spec["paths"]["/api/v1/awards"]["post"]["responses"]


def test_award_creation_links_to_reading_reversing_adding_to_and_withdrawing_it(spec):
    links = spec["paths"]["/api/v1/awards"]["post"]["responses"]["201"]["links"]
    operation_ids = {op["operationId"] for _p, _m, op in operations(spec) if "operationId" in op}
    linked = {"getAward", "reverseAward", "addToAward", "withdrawAward"}
    assert {link["operationId"] for link in links.values()} == linked
    assert linked <= operation_ids


def test_path_ids_are_bounded_like_the_database(spec):
    parameter = spec["paths"]["/api/v1/awards/{award_id}"]["parameters"][0]
    assert parameter["schema"] == {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}


def test_the_docs_page_uses_vendored_assets_and_a_nonce(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.data.decode()
    # Assets (scripts, styles, the icon) are vendored; the <a> links lead back into the app.
    sources = re.findall(r'<(?:script|link)[^>]*\b(?:src|href)="([^"]+)"', page)
    assert sources and all(
        source.startswith("/static/vendor/swagger-ui-dist-") for source in sources
    )
    for source in sources:
        asset = client.get(source)
        assert asset.status_code == 200
        asset.close()
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", page)
    assert inline == [f' nonce="{nonce}"']


def test_the_docs_check_catches_a_cdn_asset():
    # Negative control: a page pointing at a CDN fails the vendored-assets assertion.
    sources = ["https://cdn.jsdelivr.net/npm/swagger-ui-dist/swagger-ui.css"]
    assert not all(source.startswith("/static/vendor/swagger-ui-dist-") for source in sources)
