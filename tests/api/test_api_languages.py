"""The API's error `message` follows Accept-Language; its `code` never changes."""

from __future__ import annotations

import pytest

from ledger.errors import LedgerError, ValidationFailed
from ledger.i18n import Phrase
from tests.api.conftest import award_body

AWARDS = "/api/v1/awards"
CHINESE = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}
ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}


def test_a_ledger_refusal_is_explained_in_the_callers_language(org, as_user):
    caller = as_user(org.ada)
    chinese = caller.post(AWARDS, award_body(org.ada.id), headers=CHINESE)
    english = caller.post(AWARDS, award_body(org.ada.id), headers=ENGLISH)
    assert chinese.status_code == english.status_code == 422
    assert chinese.json["error"]["code"] == english.json["error"]["code"] == "self_award"
    assert chinese.json["error"]["message"] == "你不能给自己赠送积分。"
    assert english.json["error"]["message"] == "You cannot award points to yourself."
    assert chinese.json["error"]["details"] == english.json["error"]["details"]


def test_without_accept_language_the_api_speaks_english(org, as_user):
    response = as_user(org.ada).post(AWARDS, award_body(org.ada.id))
    assert response.json["error"]["message"] == "You cannot award points to yourself."


NOTHING_ZH = "此地址下没有内容。"
NOTHING_EN = "There is nothing at this address."


@pytest.mark.parametrize(
    ("header", "expected"),
    [("zh", NOTHING_ZH), ("zh-TW", NOTHING_ZH), ("fr, zh;q=0.5", NOTHING_ZH),
     ("fr", NOTHING_EN), ("zh;q=0, en", NOTHING_EN)],
)  # fmt: skip
def test_routing_errors_follow_accept_language_too(client, header, expected):
    response = client.get("/api/v1/no-such-thing", headers={"Accept-Language": header})
    assert response.status_code == 404
    assert response.json["error"] == {"code": "not_found", "message": expected}


def test_a_message_with_values_is_translated_with_its_values(org, as_user):
    reader = as_user(org.ada, scopes=("read",))
    response = reader.post(AWARDS, award_body(org.bob.id), headers=CHINESE)
    assert response.status_code == 403
    assert response.json["error"]["code"] == "scope_missing"
    assert response.json["error"]["message"] == "此操作需要“award”权限范围。"


def test_schema_errors_keep_their_field_messages_and_code(org, as_user):
    response = as_user(org.ada).post(AWARDS, {"points": 1}, headers=CHINESE)
    assert response.status_code == 422
    assert response.json["error"]["code"] == "validation_error"
    assert response.json["error"]["message"] == "请求与数据结构不符；请查看 details.fields。"
    assert "recipients" in response.json["error"]["details"]["fields"]["json"]


def test_the_api_ignores_the_language_a_person_chose_for_pages(app, client, org):
    from ledger.clock import utcnow
    from ledger.preferences import change_language
    from tests.factories import ADMIN_ACTOR

    change_language(org.ada.id, "zh_Hans", now=utcnow(), actor=ADMIN_ACTOR)
    response = client.get("/api/v1/no-such-thing", headers=ENGLISH)
    assert response.json["error"]["message"] == "There is nothing at this address."


def test_a_stored_refusal_keeps_its_phrase_so_a_replay_is_translated_alike():
    error = ValidationFailed(Phrase("Choose a language among {choices}.", choices="en, zh_Hans"))
    again = LedgerError.from_document(error.to_document())
    assert str(again.message) == "Choose a language among en, zh_Hans."
    assert again.message.template == "Choose a language among {choices}."
    assert again.message.values == {"choices": "en, zh_Hans"}
    assert type(again) is ValidationFailed and again.replayed
