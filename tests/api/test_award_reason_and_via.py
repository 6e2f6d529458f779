"""The award document says why an award was reversed and which service account gave it.

Both failed before issue 15 item 7: only the pages' cards carried them, so an integration
reading GET /awards could not tell a bot's award from the person's own, nor why one was
reversed.
"""

from __future__ import annotations

from tests.api.conftest import Caller, award_body, token_for
from tests.factories import make_user

AWARDS = "/api/v1/awards"


def _bot_caller(client):
    bot = make_user("chatbot@example.com", name="Chat bot", kind="service", password=None)
    return bot, Caller(client, bot, token_for(bot, ["read", "award", "on-behalf"]))


def test_an_award_given_through_a_service_account_names_it_as_via(org, client, as_user):
    bot, caller = _bot_caller(client)
    given = caller.post(AWARDS, {**award_body(org.bob.id), "on_behalf_of": org.ada.id})
    assert given.status_code == 201, given.json
    via = {"id": bot.id, "name": "Chat bot", "email": "chatbot@example.com"}
    assert given.json["via"] == via
    reader = as_user(org.cy, ["read"])
    assert reader.get(f"{AWARDS}/{given.json['id']}").json["via"] == via
    listed = reader.get(AWARDS).json["items"]
    assert [award["via"] for award in listed] == [via]


def test_a_persons_own_award_has_no_via_and_no_reason_while_it_stands(org, as_user):
    given = as_user(org.ada).post(AWARDS, award_body(org.bob.id))
    assert given.status_code == 201
    assert (given.json["via"], given.json["reversal_reason"]) == (None, None)
    read = as_user(org.cy, ["read"]).get(f"{AWARDS}/{given.json['id']}").json
    assert (read["via"], read["reversal_reason"]) == (None, None)


def test_everyone_reads_why_an_award_was_reversed(org, as_user):
    award_id = as_user(org.ada).post(AWARDS, award_body(org.bob.id)).json["id"]
    admin = as_user(org.admin, ["read", "admin"])
    reason = "Given to the wrong Bob."
    assert admin.post(f"{AWARDS}/{award_id}/reversal", {"reason": reason}).status_code == 201
    reader = as_user(org.cy, ["read"])
    read = reader.get(f"{AWARDS}/{award_id}").json
    assert (read["reversed"], read["reversal_reason"]) == (True, reason)
    assert reader.get(AWARDS).json["items"][0]["reversal_reason"] == reason


def test_the_openapi_document_describes_via_and_the_reversal_reason(client):
    schema = client.get("/api/v1/openapi.json").json["components"]["schemas"]["Award"]
    assert {"via", "reversal_reason"} <= set(schema["required"])
    assert schema["properties"]["reversal_reason"]["nullable"] is True
    assert "on the giver's behalf" in schema["properties"]["via"]["description"]
