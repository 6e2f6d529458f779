"""Admin and token pages (issue 15 item 6), each test failing on the code before it.

Deactivation needs a confirmation; the token form offers only what the role allows; the
service-account section links to creating one; the app links to the API docs and back.
"""

from __future__ import annotations

import re

from ledger.db import db
from ledger.models import User
from ledger.queries.people import user_by_email


def test_one_click_on_deactivate_changes_nothing(as_user, org):
    browser = as_user("admin")
    page = browser.html(f"/admin/people/{org['sam'].id}")
    assert 'name="confirm" value="yes" required' in page
    browser.post(f"/admin/people/{org['sam'].id}/active", {"active": "0"})
    db.session.expire_all()
    assert db.session.get(User, org["sam"].id).active
    assert "tick" in browser.html(f"/admin/people/{org['sam'].id}")
    # The control: with the tick, the same form deactivates.
    browser.post(f"/admin/people/{org['sam'].id}/active", {"active": "0", "confirm": "yes"})
    db.session.expire_all()
    assert not db.session.get(User, org["sam"].id).active


def offered_scopes(html: str, prefix: str = "") -> set[str]:
    return set(re.findall(rf'<input[^>]*name="{prefix}scopes"[^>]*value="([^"]+)"', html))


def test_an_employee_is_offered_only_the_scopes_their_role_allows(as_user, org):
    assert offered_scopes(as_user("ana").html("/tokens/")) == {"read", "award"}


def test_an_admin_is_offered_the_admin_scopes(as_user, org):
    offered = offered_scopes(as_user("admin").html("/tokens/"))
    assert {"read", "award", "admin"} <= offered and "on-behalf" not in offered


def test_a_scope_beyond_the_role_is_refused_inline(as_user, org):
    browser = as_user("ana")
    refused = browser.post("/tokens/", {"name": "script", "scopes": ["read", "admin"]})
    assert refused.status_code == 422 and b"does not allow the scopes admin" in refused.data


def test_the_service_account_section_links_to_creating_one(as_user, org):
    browser = as_user("admin")
    page = browser.html("/tokens/")
    assert "There are no active service accounts." in page
    assert 'href="/admin/people/new?kind=service"' in page
    form = browser.html("/admin/people/new?kind=service")
    assert '<option selected value="service">' in form
    added = browser.post(
        "/admin/people/new",
        {"name": "Chat bot", "email": "chatbot@example.com", "manager_id": "0",
         "role": "employee", "kind": "service", "password": ""},
    )  # fmt: skip
    assert added.status_code == 302
    assert user_by_email("chatbot@example.com").kind == "service"
    assert "Chat bot (chatbot@example.com)" in browser.html("/tokens/")


def test_the_app_links_to_the_api_docs_and_the_docs_link_back(as_user, org):
    browser = as_user("ana")
    assert 'href="/api/v1/docs"' in browser.html("/")
    docs = browser.html("/api/v1/docs")
    assert 'href="/"' in docs and "Back to Baton" in docs
