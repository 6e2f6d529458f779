"""SCIM Users as identity providers use them, on both engines: create, find, page, replace,
patch (Okta's and Entra ID's spellings), delete; every change through the directory services."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ledger.db import db
from ledger.models import Account, ApiToken, User
from ledger.queries.people import user_by_email
from tests.factories import make_award, make_user
from tests.scim.conftest import ENTERPRISE, MEDIA, USER, okta_user
from tests.web.test_sessions import FreshClient, login


def person(email: str) -> User:
    db.session.rollback()
    return user_by_email(email)


def test_an_okta_user_is_created_with_the_org_chart(provisioner):
    boss = make_user("boss@example.com", name="Bea Boss", role="manager")
    body = okta_user("ann@example.com", **{ENTERPRISE: {"employeeNumber": "E-7",
                     "department": "Sales", "manager": {"value": str(boss.id)}}})  # fmt: skip
    answer = provisioner.post("/Users", body)
    assert answer.status_code == 201, answer.json
    assert answer.mimetype == MEDIA
    made = person("ann@example.com")
    assert answer.headers["Location"].endswith(f"/scim/v2/Users/{made.id}")
    document = answer.json
    assert (document["id"], document["userName"], document["active"]) == (str(made.id),
           "ann@example.com", True)  # fmt: skip
    assert document["externalId"] == "okta-ann@example.com" and "password" not in document
    assert document[ENTERPRISE]["manager"]["value"] == str(boss.id)
    assert (made.name, made.employee_number, made.department.name, made.manager_id) == (
        "Ann Example", "E-7", "Sales", boss.id)  # fmt: skip
    assert (made.role, made.kind, made.password_hash) == ("employee", "person", None)


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ('userName eq "ANN@example.com"', ["ann@example.com"]),
        ('externalId eq "okta-ben@example.com"', ["ben@example.com"]),
        ('emails.value eq "ann@example.com"', ["ann@example.com"]),
        ('userName eq "nobody@example.com"', []),
    ],
)
def test_people_are_found_by_the_filters_providers_send(provisioner, query, found):
    for email in ("ann@example.com", "ben@example.com"):
        assert provisioner.post("/Users", okta_user(email)).status_code == 201
    answer = provisioner.get(f"/Users?filter={query}")
    assert answer.status_code == 200
    assert answer.json["totalResults"] == len(found)
    assert [item["userName"] for item in answer.json.get("Resources", [])] == found


@pytest.mark.parametrize(
    "query", ['name.givenName eq "Ann"', 'userName co "ann"', 'userName eq "a" or active eq true',
              "userName eq ann@example.com", "((((", r'userName eq "a\q"',
              r'userName eq "a\u0000b"', r'userName eq "\ud800"'],
)  # fmt: skip
def test_any_other_filter_is_refused_as_invalid(provisioner, query):
    answer = provisioner.get(f"/Users?filter={query}")
    assert answer.status_code == 400
    assert (answer.json["scimType"], answer.json["status"]) == ("invalidFilter", "400")
    assert answer.json["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]


def test_the_list_pages_by_start_index_and_count(provisioner):
    emails = [f"p{n}@example.com" for n in range(5)]
    for email in emails:
        provisioner.post("/Users", okta_user(email))
    ids = [str(person(email).id) for email in emails]
    page = provisioner.get("/Users?startIndex=2&count=2").json
    assert (page["totalResults"], page["startIndex"], page["itemsPerPage"]) == (5, 2, 2)
    assert [item["id"] for item in page["Resources"]] == ids[1:3]
    assert provisioner.get("/Users?startIndex=0&count=1").json["Resources"][0]["id"] == ids[0]
    assert "Resources" not in provisioner.get("/Users?count=0").json or not provisioner.get(
        "/Users?count=0").json["Resources"]  # fmt: skip
    assert provisioner.get("/Users?startIndex=9").json["totalResults"] == 5
    assert provisioner.get("/Users?count=x").json["scimType"] == "invalidValue"


def test_bots_and_service_accounts_are_not_scim_users(provisioner):
    listed = provisioner.get("/Users").json
    assert listed["totalResults"] == 0  # the provisioner itself is a service account
    bot = make_user("bot@example.com", name="Bot", kind="bot")
    assert provisioner.get(f"/Users/{bot.id}").status_code == 404


def signed_in_person(app, email):
    """Ann with a web session and an API token, both alive."""
    from tests.api.conftest import token_for

    app.test_client_class = FreshClient
    browser = app.test_client()
    assert login(browser, email).status_code == 302
    token_for(person(email), ["read"])
    return browser


@pytest.mark.parametrize(
    "operations",
    [
        [{"op": "replace", "value": {"active": False}}],  # Okta
        [{"op": "Replace", "path": "active", "value": "False"}],  # Entra ID
    ],
    ids=["okta", "entra"],
)
def test_patching_to_inactive_ends_sessions_tokens_and_allowance(engine_app, provisioner,
                                                                  operations):  # fmt: skip
    ann = make_user("ann@example.com", name="Ann")
    make_award(ann, [make_user("ben@example.com", name="Ben")])  # grants Ann's allowance
    browser = signed_in_person(engine_app, "ann@example.com")
    assert browser.get("/").status_code == 200
    answer = provisioner.patch(f"/Users/{ann.id}", operations)
    assert answer.status_code == 200, answer.json
    assert answer.json["active"] is False
    assert person("ann@example.com").active is False
    assert browser.get("/").status_code == 302, "the session outlived the deactivation"
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == ann.id)).all()
    assert tokens and all(token.revoked_at is not None for token in tokens)
    allowance = db.session.scalars(
        select(Account).where(Account.user_id == ann.id, Account.kind == "allowance")
    ).one()
    assert allowance.balance == 0 and allowance.closed_at is not None


def deactivate_then_reactivate(engine_app, provisioner):
    """Ann signed in, then turned off and on again by the provider: is her old session alive?"""
    ann = make_user("ann@example.com", name="Ann")
    browser = signed_in_person(engine_app, "ann@example.com")
    provisioner.patch(f"/Users/{ann.id}", [{"op": "replace", "value": {"active": False}}])
    provisioner.patch(f"/Users/{ann.id}", [{"op": "replace", "value": {"active": True}}])
    assert person("ann@example.com").active
    return browser.get("/").status_code


def test_a_reactivated_person_must_sign_in_again(engine_app, provisioner):
    assert deactivate_then_reactivate(engine_app, provisioner) == 302


def test_without_the_directory_service_the_old_session_would_come_back(
    engine_app, provisioner, monkeypatch
):
    # Negative control for the test above: a deactivation that skips end_access.
    monkeypatch.setattr("ledger.services.directory.end_access", lambda ctx, ids, now: 0)
    assert deactivate_then_reactivate(engine_app, provisioner) == 200


def test_put_and_patch_reactivate_an_inactive_person(provisioner):
    made = provisioner.post("/Users", okta_user("ann@example.com", active=False)).json
    assert made["active"] is False
    back = provisioner.patch(f"/Users/{made['id']}", [{"op": "replace", "path": "active",
                                                         "value": True}])  # fmt: skip
    assert back.json["active"] is True and person("ann@example.com").active
    provisioner.patch(f"/Users/{made['id']}", [{"op": "replace", "value": {"active": False}}])
    again = provisioner.put(f"/Users/{made['id']}", okta_user("ann@example.com"))
    assert (again.status_code, again.json["active"]) == (200, True)


def test_a_new_manager_by_put_turns_the_direction_of_later_awards(provisioner):
    old = make_user("old@example.com", name="Old Boss", role="manager")
    new = make_user("new@example.com", name="New Boss", role="manager")
    body = okta_user("ann@example.com", **{ENTERPRISE: {"manager": {"value": str(old.id)}}})
    ann_id = int(provisioner.post("/Users", body).json["id"])
    ann = db.session.get(User, ann_id)
    assert [line["direction"] for line in make_award(old, [ann])["lines"]] == ["up"]
    body[ENTERPRISE] = {"manager": {"value": str(new.id)}, "department": "Ops"}
    answer = provisioner.put(f"/Users/{ann_id}", body)
    assert answer.status_code == 200, answer.json
    assert answer.json[ENTERPRISE]["manager"]["displayName"] == "New Boss"
    ann = person("ann@example.com")
    assert [line["direction"] for line in make_award(new, [ann])["lines"]] == ["up"]
    assert [line["direction"] for line in make_award(old, [ann])["lines"]] == ["lateral"]


def test_entra_id_patches_the_enterprise_fields_and_names(provisioner):
    boss = make_user("boss@example.com", name="Bea Boss", role="manager")
    ann_id = provisioner.post("/Users", okta_user("ann@example.com")).json["id"]
    answer = provisioner.patch(f"/Users/{ann_id}", [
        {"op": "Add", "path": f"{ENTERPRISE}:manager", "value": str(boss.id)},
        {"op": "Replace", "path": f"{ENTERPRISE}:employeeNumber", "value": "E-9"},
        {"op": "Replace", "path": "displayName", "value": "Ann Renamed"},
        {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "x@example.com"},
        {"op": "replace", "value": {f"{ENTERPRISE}:department": "Ops", "externalId": "e-1"}},
    ])  # fmt: skip
    assert answer.status_code == 200, answer.json
    ann = db.session.get(User, int(ann_id))
    assert (ann.manager_id, ann.employee_number, ann.name, ann.department.name) == (
        boss.id, "E-9", "Ann Renamed", "Ops")  # fmt: skip
    assert (ann.email, ann.scim_external_id) == ("ann@example.com", "e-1")  # userName rules
    removed = provisioner.patch(f"/Users/{ann_id}", [{"op": "Remove",
                                                     "path": f"{ENTERPRISE}:manager"}])  # fmt: skip
    assert removed.status_code == 200 and person("ann@example.com").manager_id is None


@pytest.mark.parametrize("taken", ["userName", "employeeNumber"])
def test_a_taken_user_name_or_employee_number_is_a_uniqueness_conflict(provisioner, taken):
    provisioner.post(
        "/Users", okta_user("ann@example.com", **{ENTERPRISE: {"employeeNumber": "E-1"}})
    )
    body = okta_user("ann@example.com" if taken == "userName" else "ben@example.com",
                     **{ENTERPRISE: {"employeeNumber": "E-1"}})  # fmt: skip
    answer = provisioner.post("/Users", body)
    assert answer.status_code == 409
    assert (answer.json["scimType"], answer.json["status"]) == ("uniqueness", "409")
    assert person("ben@example.com") is None
    assert provisioner.get("/Users").json["totalResults"] == 1


def test_a_manager_that_is_not_a_user_id_is_an_invalid_value(provisioner):
    body = okta_user("ann@example.com", **{ENTERPRISE: {"manager": {"value": "not-an-id"}}})
    answer = provisioner.post("/Users", body)
    assert (answer.status_code, answer.json["scimType"]) == (400, "invalidValue")
    missing = okta_user("ann@example.com", **{ENTERPRISE: {"manager": {"value": "999999"}}})
    assert provisioner.post("/Users", missing).json["scimType"] == "invalidValue"
    assert person("ann@example.com") is None


def test_malformed_bodies_are_refused_in_scims_shape(provisioner):
    bearer = {"Authorization": f"Bearer {provisioner.token}"}
    answer = provisioner.client.post(
        "/scim/v2/Users", data="{not json", content_type=MEDIA, headers=bearer
    )
    assert (answer.status_code, answer.json["scimType"]) == (400, "invalidSyntax")
    no_name = provisioner.post("/Users", {"schemas": [USER], "active": True})
    assert (no_name.status_code, no_name.json["scimType"]) == (400, "invalidValue")
    bad_op = provisioner.patch("/Users/1", [{"op": "frobnicate", "path": "active"}])
    assert bad_op.status_code in (400, 404)


def test_delete_deactivates_keeps_history_and_then_answers_404(provisioner):
    giver = make_user("giver@example.com", name="Giver")
    ann_id = provisioner.post("/Users", okta_user("ann@example.com")).json["id"]
    make_award(giver, [db.session.get(User, int(ann_id))])
    assert provisioner.delete(f"/Users/{ann_id}").status_code == 204
    ann = person("ann@example.com")
    assert (ann.active, ann.scim_deleted_at is not None) == (False, True)
    for method in ("GET", "PUT", "PATCH", "DELETE"):
        answer = provisioner.call(method, f"/Users/{ann_id}", {"schemas": [USER]})
        assert answer.status_code == 404, method
        assert answer.json["status"] == "404"
    assert provisioner.get('/Users?filter=userName eq "ann@example.com"').json["totalResults"] == 0
    # Provisioned again: the same person comes back, with their history.
    body = okta_user("ann@example.com")
    del body["active"]  # absent means active, for a returning person too
    again = provisioner.post("/Users", body)
    assert (again.status_code, again.json["id"], again.json["active"]) == (201, ann_id, True)


def test_discovery_documents_describe_users_only(provisioner):
    config = provisioner.get("/ServiceProviderConfig").json
    assert config["patch"]["supported"] and config["filter"]["supported"]
    assert not config["bulk"]["supported"] and not config["sort"]["supported"]
    assert config["authenticationSchemes"][0]["type"] == "oauthbearertoken"
    types = provisioner.get("/ResourceTypes").json
    assert [kind["name"] for kind in types["Resources"]] == ["User"]
    assert types["Resources"][0]["schemaExtensions"][0]["schema"] == ENTERPRISE
    schemas = provisioner.get("/Schemas").json["Resources"]
    assert {schema["id"] for schema in schemas} == {USER, ENTERPRISE}
    assert provisioner.get(f"/Schemas/{USER}").json["name"] == "User"
    assert provisioner.get("/ResourceTypes/Group").status_code == 404


@pytest.mark.parametrize("path", ["/Groups", "/Users/1/nope", "/nothing", "/Users/abc"])
def test_an_unknown_path_answers_scims_json_404(provisioner, path):
    answer = provisioner.get(path)
    assert (answer.status_code, answer.mimetype) == (404, MEDIA)
    assert answer.json["status"] == "404"


def test_without_an_admin_token_nothing_is_provisioned(engine_app, provisioner):
    from tests.api.conftest import token_for
    from tests.scim.conftest import Scim

    reader = make_user("reader@example.com", name="Reader", role="admin")
    for who in (Scim(provisioner.client, None), Scim(provisioner.client, "baton_forged"),
                Scim(provisioner.client, token_for(reader, ["read"]))):  # fmt: skip
        answer = who.post("/Users", okta_user("ann@example.com"))
        assert answer.status_code in (401, 403) and answer.mimetype == MEDIA
        assert answer.json["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert person("ann@example.com") is None


@pytest.mark.parametrize("field", ["userName", "externalId", "displayName"])
def test_text_no_database_stores_is_refused_not_a_500(provisioner, field):
    body = okta_user("ann@example.com")
    body[field] = body[field] + "\u0000"
    answer = provisioner.post("/Users", body)
    assert (answer.status_code, answer.json["scimType"]) == (400, "invalidValue")
    assert provisioner.get("/Users").json["totalResults"] == 0
