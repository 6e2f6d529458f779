"""Who holds an allowance, who may be a manager, and the one bound on points per recipient.

Each test failed on the code before issue 9 item 15: balances showed a full allowance for
bots, service accounts and people who left; any account could be set as a manager; and the
API refused more than 1,000 points although an admin could allow up to 1,000,000.
"""

from datetime import date

import pytest

from ledger import rules
from ledger.clock import utcnow
from ledger.db import db
from ledger.errors import ValidationFailed
from ledger.models import Policy, User
from ledger.queries.people import user_by_email
from ledger.services.directory import deactivate_user
from ledger.services.settings import update_policy
from tests.api.test_users import headers_for
from tests.factories import ADMIN_ACTOR, make_award, make_user
from tests.web.test_sessions import FreshClient


@pytest.fixture
def client(app):
    app.test_client_class = FreshClient
    return app.test_client()


@pytest.fixture
def people(app):
    admin = make_user("admin@example.com", name="Ada Admin", role="admin")
    boss = make_user("boss@example.com", name="Bea Boss", role="manager")
    ann = make_user("ann@example.com", name="Ann", manager=boss.email)
    bot = make_user("bot@example.com", name="Deploy Bot", kind="bot", password=None)
    service = make_user("svc@example.com", name="HR Sync", kind="service", password=None)
    gone = make_user("gone@example.com", name="Gus Gone")
    deactivate_user(gone.id, now=utcnow(), actor=ADMIN_ACTOR)
    return {"admin": admin, "boss": boss, "ann": ann, "bot": bot, "svc": service, "gone": gone}


@pytest.fixture
def admin(people):
    return headers_for(people["admin"], "read", "admin")


def balance(client, admin, user) -> tuple[int, int]:
    body = client.get(f"/api/v1/users/{user.id}/balances", headers=admin).json
    return body["allowance_remaining"], body["allowance_total"]


@pytest.mark.parametrize("who", ["bot", "svc", "gone"])
def test_bots_services_and_people_who_left_show_no_allowance(client, people, admin, who):
    assert balance(client, admin, people[who]) == (0, 0)


def test_an_active_person_still_shows_their_full_allowance(client, people, admin):
    # The control: the rule takes the allowance only from those who cannot give.
    assert balance(client, admin, people["ann"]) == (100, 100)
    assert balance(client, admin, people["boss"]) == (110, 110)  # base plus one report


def test_someone_deactivated_after_their_grant_shows_0_of_0(client, people, admin):
    ann = people["ann"]
    make_award(ann, [people["boss"]], now=utcnow())  # grants Ann's allowance
    assert balance(client, admin, ann) == (90, 100)
    deactivate_user(ann.id, now=utcnow(), actor=ADMIN_ACTOR)
    assert balance(client, admin, ann) == (0, 0)


def test_a_service_accounts_own_me_shows_no_allowance(client, people):
    body = client.get("/api/v1/me", headers=headers_for(people["svc"], "read")).json
    assert (body["balances"]["allowance_remaining"], body["balances"]["allowance_total"]) == (0, 0)


@pytest.mark.parametrize("who", ["bot", "svc", "gone"])
def test_creating_someone_under_an_ineligible_manager_is_refused(client, people, admin, who):
    body = {"email": "new@example.com", "name": "New", "manager_id": people[who].id}
    refused = client.post("/api/v1/users", json=body, headers=admin)
    assert refused.status_code == 422
    assert refused.json["error"]["code"] == "manager_ineligible"
    assert people[who].name in refused.json["error"]["message"]
    db.session.rollback()
    assert user_by_email("new@example.com") is None


@pytest.mark.parametrize("who", ["bot", "svc", "gone"])
def test_an_ineligible_manager_cannot_be_set_by_patch(client, people, admin, who):
    ann = people["ann"]
    refused = client.patch(
        f"/api/v1/users/{ann.id}", json={"manager_id": people[who].id}, headers=admin
    )
    assert refused.status_code == 422
    assert refused.json["error"]["code"] == "manager_ineligible"
    db.session.rollback()
    assert db.session.get(User, ann.id).manager_id == people["boss"].id


def test_an_active_person_can_still_be_made_a_manager(client, people, admin):
    ann = people["ann"]
    body = {"email": "new@example.com", "name": "New", "manager_id": ann.id}
    assert client.post("/api/v1/users", json=body, headers=admin).status_code == 201
    moved = client.patch(
        f"/api/v1/users/{ann.id}", json={"manager_id": people["admin"].id}, headers=admin
    )
    assert moved.status_code == 200 and moved.json["manager"]["id"] == people["admin"].id


def test_a_manager_who_left_stays_when_other_fields_change(client, people, admin):
    # A form sends the manager back unchanged: refusing it would block every other edit.
    ann, boss = people["ann"], people["boss"]
    deactivate_user(boss.id, now=utcnow(), actor=ADMIN_ACTOR)
    body = {"name": "Ann Renamed", "manager_id": boss.id}
    saved = client.patch(f"/api/v1/users/{ann.id}", json=body, headers=admin)
    assert saved.status_code == 200 and saved.json["manager"]["id"] == boss.id


def test_the_import_refuses_a_row_under_an_ineligible_manager(client, people, admin):
    rows = [
        {"email": "new@example.com", "name": "New", "manager_email": "svc@example.com"},
        {"email": "ann@example.com", "name": "Ann", "manager_email": "gone@example.com"},
        {"email": "leaver@example.com", "name": "Lee", "active": "false"},
        {"email": "under@example.com", "name": "Una", "manager_email": "leaver@example.com"},
        {"email": "fine@example.com", "name": "Fin", "manager_email": "boss@example.com"},
    ]
    refused = client.post("/api/v1/users/import", json={"rows": rows}, headers=admin)
    assert refused.status_code == 422
    report = refused.json["error"]["details"]["report"]
    reasons = {row["email"]: row.get("reason", "") for row in report["rows"]}
    assert "HR Sync" in reasons["new@example.com"] and "service" in reasons["new@example.com"]
    assert "deactivated" in reasons["ann@example.com"]
    assert "deactivated" in reasons["under@example.com"]  # deactivated by the same file
    assert report["counts"]["error"] == 3
    db.session.rollback()
    assert user_by_email("fine@example.com") is None  # all or nothing


def test_the_import_keeps_an_unchanged_manager_who_has_left(client, people, admin):
    deactivate_user(people["boss"].id, now=utcnow(), actor=ADMIN_ACTOR)
    rows = [
        {
            "email": "ann@example.com",
            "name": "Ann",
            "department": "Engineering",
            "manager_email": "boss@example.com",
        }
    ]
    done = client.post("/api/v1/users/import", json={"rows": rows}, headers=admin)
    assert done.status_code == 200 and done.json["rows"][0]["status"] == "unchanged"


def test_the_api_and_the_settings_share_one_bound_on_points(client, people):
    # An admin's per-recipient maximum above 1,000 is now usable through the API.
    db.session.add(
        Policy(
            effective_from=date(2020, 1, 1),
            base_allowance=10_000,
            manager_boost=0,
            max_points_per_recipient=5_000,
            created_at=utcnow(),
        )
    )
    db.session.commit()
    award = {
        "recipients": [people["boss"].id],
        "points": 2_000,
        "message": "Carried the whole release on a weekend.",
        "service_kind": "need",
    }
    caller = headers_for(people["ann"], "read", "award")
    given = client.post("/api/v1/awards", json=award, headers={**caller, "Idempotency-Key": "k1"})
    assert given.status_code == 201, given.json
    beyond = {**award, "points": rules.MAX_POINTS_PER_RECIPIENT + 1}
    refused = client.post(
        "/api/v1/awards", json=beyond, headers={**caller, "Idempotency-Key": "k2"}
    )
    assert refused.status_code == 422 and refused.json["error"]["code"] == "validation_error"
    spec = client.get("/api/v1/openapi.json").json
    points = spec["components"]["schemas"]["AwardCreate"]["properties"]["points"]
    assert points["maximum"] == rules.MAX_POINTS_PER_RECIPIENT


def test_the_settings_refuse_a_maximum_beyond_the_one_bound(app, people):
    values = dict(base_allowance=100, manager_boost=10, pair_cap=None, period_length="month")
    update_policy(
        **values,
        max_points_per_recipient=rules.MAX_POINTS_PER_RECIPIENT,
        now=utcnow(),
        actor=ADMIN_ACTOR,
    )
    with pytest.raises(ValidationFailed, match=str(rules.MAX_POINTS_PER_RECIPIENT)):
        update_policy(
            **values,
            max_points_per_recipient=rules.MAX_POINTS_PER_RECIPIENT + 1,
            now=utcnow(),
            actor=ADMIN_ACTOR,
        )
