"""Idempotency over HTTP: byte-identical replays; keys bound to one request and one principal."""

from __future__ import annotations

from sqlalchemy import func, select

from ledger.db import db
from ledger.models import Award, Transfer
from tests.api.conftest import award_body

AWARDS = "/api/v1/awards"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def same_answer(first, second) -> bool:
    """Tell whether a replay repeats the first answer: status and body, byte for byte."""
    return (first.status_code, first.data) == (second.status_code, second.data)


def test_the_same_key_and_request_replay_the_first_answer_byte_for_byte(org, as_user):
    ada = as_user(org.ada)
    first = ada.post(AWARDS, award_body(org.bob.id), key="k-1")
    again = ada.post(AWARDS, award_body(org.bob.id), key="k-1")
    assert first.status_code == 201
    assert same_answer(first, again)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["Location"] == first.headers["Location"]
    assert "Idempotent-Replayed" not in first.headers
    assert count(Award) == 1


def test_the_replay_check_fails_when_a_retry_gives_a_second_award(org, as_user, monkeypatch):
    # Negative control: without the key the server cannot know it is a retry; the check sees it.
    ada = as_user(org.ada)
    first = ada.post(AWARDS, award_body(org.bob.id), key="k-2")
    retry = ada.post(AWARDS, award_body(org.bob.id), key="k-3")
    assert not same_answer(first, retry)
    assert count(Award) == 2


def test_the_same_key_with_another_body_answers_422_and_moves_nothing(org, as_user):
    ada = as_user(org.ada)
    ada.post(AWARDS, award_body(org.bob.id), key="k-4")
    transfers = count(Transfer)
    response = ada.post(AWARDS, award_body(org.bob.id, points=6), key="k-4")
    assert response.status_code == 422
    assert response.json["error"]["code"] == "idempotency_key_reused"
    assert count(Transfer) == transfers


def test_the_same_key_on_another_path_is_another_request(org, as_user):
    ada = as_user(org.ada)
    award_id = ada.post(AWARDS, award_body(org.bob.id), key="k-5").json["id"]
    admin = as_user(org.admin, ["admin"])
    admin.post(f"{AWARDS}/{award_id}/reversal", {"reason": "Mistake."}, key="shared")
    top_up = {"user": org.ada.id, "points": 1, "reason": "Mistake."}
    other = admin.post("/api/v1/allowances/top-ups", top_up, key="shared")
    assert other.status_code == 422
    assert other.json["error"]["code"] == "idempotency_key_reused"


def test_a_stored_rejection_replays_even_after_the_rule_would_pass(org, as_user):
    ada, admin = as_user(org.ada), as_user(org.admin, ["admin"])
    big = award_body(org.bob.id, points=10)
    spend_all = award_body(org.cy.id, org.boss.id, points=50)
    assert ada.post(AWARDS, spend_all, key="k-6").status_code == 201
    first = ada.post(AWARDS, big, key="k-7")
    assert first.json["error"]["code"] == "insufficient_allowance"
    topped = admin.post("/api/v1/allowances/top-ups", {"user": org.ada.id, "points": 100,
                                                      "reason": "More room."})  # fmt: skip
    assert topped.status_code == 201
    replay = ada.post(AWARDS, big, key="k-7")
    assert same_answer(first, replay)
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert ada.post(AWARDS, big, key="k-8").status_code == 201


def test_schema_failures_store_nothing_so_the_key_stays_usable(org, as_user):
    ada = as_user(org.ada)
    assert ada.post(AWARDS, {**award_body(org.bob.id), "points": "5"}, key="k-9").status_code == 422
    assert ada.post(AWARDS, award_body(org.bob.id), key="k-9").status_code == 201


def test_keys_are_scoped_per_principal(org, as_user):
    ada, cy = as_user(org.ada), as_user(org.cy)
    first = ada.post(AWARDS, award_body(org.bob.id), key="same")
    second = cy.post(AWARDS, award_body(org.bob.id), key="same")
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json["id"] != second.json["id"]
    assert "Idempotent-Replayed" not in second.headers
    assert count(Award) == 2


def test_a_key_must_be_printable_ascii_of_at_most_255_characters(org, as_user):
    ada = as_user(org.ada)
    for key in ("x" * 256, "with space", "caf\u00e9"):
        headers = {"Idempotency-Key": key.encode().decode("latin-1")}
        response = ada.client.post(AWARDS, json=award_body(org.bob.id),
                                   headers={**ada.headers(), **headers})  # fmt: skip
        assert response.status_code == 400
        assert response.json["error"]["code"] == "idempotency_key_missing"
    assert ada.post(AWARDS, award_body(org.bob.id), key="x" * 255).status_code == 201
