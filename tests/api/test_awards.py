"""POST /awards, GET /awards, GET /awards/{id} and POST /awards/{id}/reversal, by contract."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from ledger.db import db
from ledger.models import AuditEvent, Award
from tests.api.conftest import award_body, token_for
from tests.factories import make_user

AWARDS = "/api/v1/awards"


def test_an_award_answers_201_with_the_award_and_its_location(org, as_user):
    response = as_user(org.ada).post(AWARDS, award_body(org.bob.id, "CY@example.com", points=7))
    assert response.status_code == 201
    award = response.json
    assert response.headers["Location"] == f"{AWARDS}/{award['id']}"
    assert award["giver"] == {"id": org.ada.id, "name": "Ada", "email": "ada@example.com"}
    assert [line["recipient"]["id"] for line in award["lines"]] == [org.bob.id, org.cy.id]
    assert [line["cross_department"] for line in award["lines"]] == [False, True]
    assert award["points_total"] == 14
    assert award["created_at"].endswith("+00:00")
    assert award["reversed"] is False
    assert "Idempotent-Replayed" not in response.headers


def test_a_manager_awarding_a_report_serves_downward_from_the_reports_view(org, as_user):
    # The report (ada) awards her manager: the manager served upward? No: the giver is below.
    response = as_user(org.ada).post(AWARDS, award_body(org.boss.id))
    assert response.json["lines"][0]["direction"] == "down"
    response = as_user(org.boss).post(AWARDS, award_body(org.ada.id))
    assert response.json["lines"][0]["direction"] == "up"


@pytest.mark.parametrize(
    "change",
    [
        {"points": "5"},
        {"points": 5.5},
        {"points": 0},
        {"points": 1001},
        {"points": 10**30},
        {"recipients": []},
        {"recipients": list(range(1, 22))},
        {"recipients": [2**31]},
        {"recipients": [True]},
        {"message": "short"},
        {"giver_id": 1},
        {"service_kind": ""},
    ],
)
def test_a_body_outside_the_schema_answers_422_and_writes_nothing(org, as_user, change):
    body = {**award_body(org.bob.id), **change}
    response = as_user(org.ada).post(AWARDS, body)
    assert response.status_code == 422, response.json
    assert response.json["error"]["code"] == "validation_error"
    assert db.session.scalar(select(Award.id)) is None


def test_malformed_json_answers_400(org, as_user):
    caller = as_user(org.ada)
    response = caller.client.post(
        AWARDS,
        data="{not json",
        headers=caller.headers("k1", **{"Content-Type": "application/json"}),
    )
    assert response.status_code == 400
    assert response.json["error"]["code"] == "bad_request"


@pytest.mark.parametrize(
    ("recipient", "code"),
    [
        ("self", "self_award"),
        ("nobody@example.com", "unknown_recipient"),
        (999, "unknown_recipient"),
    ],
)
def test_domain_rules_answer_422_with_their_code(org, as_user, recipient, code):
    target = org.ada.id if recipient == "self" else recipient
    response = as_user(org.ada).post(AWARDS, award_body(target))
    assert response.status_code == 422
    assert response.json["error"]["code"] == code


def test_an_award_beyond_the_allowance_answers_insufficient_allowance(org, as_user):
    caller = as_user(org.ada)
    assert caller.post(AWARDS, award_body(org.bob.id, org.cy.id, points=50)).status_code == 201
    response = caller.post(AWARDS, award_body(org.bob.id, points=1))
    assert response.status_code == 422
    assert response.json["error"]["code"] == "insufficient_allowance"


def test_an_award_without_an_idempotency_key_answers_400(org, as_user):
    response = as_user(org.ada).post(AWARDS, award_body(org.bob.id), key=None)
    assert response.status_code == 400
    assert response.json["error"]["code"] == "idempotency_key_missing"


def test_a_read_only_token_cannot_award(org, as_user):
    response = as_user(org.ada, ["read"]).post(AWARDS, award_body(org.bob.id))
    assert response.status_code == 403
    assert response.json["error"]["code"] == "scope_missing"


def test_no_token_answers_401(client, org):
    response = client.post(AWARDS, json=award_body(org.bob.id), headers={"Idempotency-Key": "k"})
    assert response.status_code == 401


def test_on_behalf_of_needs_the_on_behalf_scope(org, as_user):
    body = {**award_body(org.bob.id), "on_behalf_of": org.ada.id}
    response = as_user(org.cy).post(AWARDS, body)
    assert response.status_code == 403
    assert response.json["error"]["code"] == "scope_missing"
    assert db.session.scalar(select(Award.id)) is None


def test_a_service_account_gives_on_behalf_and_the_audit_names_both(org, client):
    from tests.api.conftest import Caller

    bot = make_user("chatbot@example.com", name="Chat bot", kind="service", password=None)
    caller = Caller(client, bot, token_for(bot, ["read", "award", "on-behalf"]))
    body = {**award_body(org.bob.id), "on_behalf_of": "ada@example.com"}
    response = caller.post(AWARDS, body)
    assert response.status_code == 201, response.json
    assert response.json["giver"]["id"] == org.ada.id
    award = db.session.get(Award, response.json["id"])
    assert (award.giver_id, award.actor_id) == (org.ada.id, bot.id)
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.operation_id == award.operation_id)
    ).one()
    assert (event.actor_id, event.on_behalf_of_id) == (bot.id, org.ada.id)


def test_a_service_account_cannot_give_as_itself(org, client):
    from tests.api.conftest import Caller

    bot = make_user("svc@example.com", name="Service", kind="service", password=None)
    caller = Caller(client, bot, token_for(bot, ["read", "award"]))
    response = caller.post(AWARDS, award_body(org.bob.id))
    assert response.status_code == 403
    assert response.json["error"]["code"] == "forbidden"


def _give(caller, *recipients, **kwargs):
    response = caller.post(AWARDS, award_body(*recipients, **kwargs))
    assert response.status_code == 201, response.json
    return response.json["id"]


def test_the_feed_filters_by_giver_recipient_user_kind_direction_and_department(org, as_user):
    ada, boss, cy = as_user(org.ada), as_user(org.boss), as_user(org.cy)
    first = _give(ada, org.bob.id)
    second = _give(boss, org.ada.id, kind="handoff")
    third = _give(cy, org.bob.id)

    def ids(query):
        response = ada.get(f"{AWARDS}?{query}")
        assert response.status_code == 200, response.json
        return [award["id"] for award in response.json["items"]]

    assert ids("") == [third, second, first]
    assert ids(f"giver={org.ada.id}") == [first]
    assert ids(f"recipient={org.bob.id}") == [third, first]
    assert ids(f"user={org.ada.id}") == [second, first]
    assert ids("service_kind=handoff") == [second]
    assert ids("direction=up") == [second]
    sales = org.cy.department_id
    assert ids(f"department={sales}") == [third]
    assert ids("since=2000-01-01&until=2000-01-02") == []
    assert ids("since=2000-01-01") == [third, second, first]


def test_the_feed_pages_with_an_opaque_cursor_and_no_gaps(org, as_user):
    ada = as_user(org.ada)
    given = [_give(ada, org.bob.id, points=1) for _ in range(5)]
    seen, cursor = [], None
    while True:
        query = f"{AWARDS}?limit=2" + (f"&cursor={cursor}" if cursor else "")
        body = ada.get(query).json
        seen += [award["id"] for award in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(given))


BAD_QUERIES = ["limit=0", "limit=501", "limit=x", "cursor=garbage", "bogus=1", "since=yesterday",
               "until=2026-13-01", "direction=sideways", "since=0001-01-01"]  # fmt: skip


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_bad_feed_arguments_answer_422(org, as_user, query):
    response = as_user(org.ada).get(f"{AWARDS}?{query}")
    assert response.status_code == 422
    assert response.json["error"]["code"] == "validation_error"


def test_the_feed_answers_csv_with_formula_cells_escaped(org, as_user):
    ada = as_user(org.ada)
    _give(ada, org.bob.id, message='=HYPERLINK("http://evil")')
    for response in (
        ada.get(f"{AWARDS}?format=csv"),
        ada.get(AWARDS, headers={"Accept": "text/csv"}),
    ):
        assert response.status_code == 200
        assert response.mimetype == "text/csv"
        header, row = csv.reader(io.StringIO(response.data.decode()))
        assert header[:2] == ["award_id", "created_at"]
        assert row[header.index("message")] == '\'=HYPERLINK("http://evil")'


def test_one_award_is_readable_and_a_missing_one_is_404(org, as_user):
    ada = as_user(org.ada)
    award_id = _give(ada, org.bob.id)
    assert ada.get(f"{AWARDS}/{award_id}").json["id"] == award_id
    for missing in (award_id + 1, 2**31 - 1, 2**31, 0):
        response = ada.get(f"{AWARDS}/{missing}")
        assert response.status_code == 404
        assert response.json["error"]["code"] == "not_found"


def test_an_admin_reverses_an_award_once(org, as_user):
    award_id = _give(as_user(org.ada), org.bob.id, points=9)
    admin = as_user(org.admin, ["read", "admin"])
    response = admin.post(f"{AWARDS}/{award_id}/reversal", {"reason": "Mistaken recipient."})
    assert response.status_code == 201
    assert response.json["points_returned"] == 9
    assert response.json["returned_to"] == "allowance"
    assert admin.get(f"{AWARDS}/{award_id}").json["reversed"] is True
    again = admin.post(f"{AWARDS}/{award_id}/reversal", {"reason": "Twice."})
    assert again.status_code == 409
    assert again.json["error"]["code"] == "already_reversed"


def test_only_admins_reverse_and_a_missing_award_is_404(org, as_user):
    award_id = _give(as_user(org.ada), org.bob.id)
    path = f"{AWARDS}/{award_id}/reversal"
    assert as_user(org.boss, ["read", "manage"]).post(path, {"reason": "x"}).status_code == 403
    admin = as_user(org.admin, ["admin"])
    assert admin.post(f"{AWARDS}/{award_id + 5}/reversal", {"reason": "x"}).status_code == 404
    assert admin.post(path, {"reason": ""}).status_code == 422
    assert admin.post(path, {"reason": "x"}, key=None).status_code == 400


def test_a_body_over_two_megabytes_answers_413_too_large(org, as_user):
    caller = as_user(org.ada)
    body = award_body(org.bob.id, message="x" * (2 * 1024 * 1024))
    response = caller.post(AWARDS, body)
    assert response.status_code == 413
    assert response.json["error"]["code"] == "too_large"
    assert caller.post(AWARDS, award_body(org.bob.id, message="x" * 1000)).status_code == 201


def test_a_missing_award_answers_404_before_the_body_is_judged(org, as_user):
    admin = as_user(org.admin, ["admin"])
    response = admin.post(f"{AWARDS}/4242/reversal", {"reason": "", "extra": True})
    assert response.status_code == 404


def test_a_wrong_method_on_an_award_answers_405_json_with_allow(org, as_user):
    response = as_user(org.ada).client.delete(f"{AWARDS}/1", headers=as_user(org.ada).headers())
    assert response.status_code == 405
    assert response.json["error"]["code"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]
