"""The Slack slash command: signed, stale, wrong and retried requests, and every refusal."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from ledger.db import db
from ledger.models import Award, AwardLine, SlackLink
from tests.integrations.conftest import PATH, command_body, sign, state

GIVE = "+10 @ann.lee <@UANN1|ann> #handoff thanks for the clean hand-off of the billing migration"
THANKS = "thanks for the clean hand-off of the billing migration"


def awards() -> list[tuple]:
    rows = db.session.execute(
        select(Award.giver_id, AwardLine.recipient_id, AwardLine.points, Award.service_kind)
        .join(AwardLine, AwardLine.award_id == Award.id)
        .order_by(AwardLine.id)
    ).all()
    db.session.rollback()
    return [tuple(row) for row in rows]


def test_a_signed_command_gives_each_person_their_points(slack, people):
    text = slack.say(f"+10 <@UANN1|ann> @bob #handoff {THANKS}")
    assert "You gave +10 to Ann Lee, Bob Ray (#handoff): 20 points" in text
    giver, ann, bob = people["giver"].id, people["ann"].id, people["bob"].id
    assert awards() == [(giver, ann, 10, "handoff"), (giver, bob, 10, "handoff")]


def test_a_handle_resolves_through_the_linked_handle_before_the_email(slack, people):
    # `@ann` is Ann's linked handle; her email's local part is ann.lee.
    slack.say(f"+2 @ann #need {THANKS}")
    assert awards() == [(people["giver"].id, people["ann"].id, 2, "need")]


def test_a_retry_of_the_same_request_never_gives_twice(slack, people):
    body = command_body(f"+10 @bob #handoff {THANKS}")
    first = slack.post(body)
    later = int(time.time()) + 1
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    retried = slack.post(body, timestamp=later, headers=retry)
    assert first.status_code == retried.status_code == 200
    assert len(awards()) == 1
    assert "Award" in first.get_json()["text"]
    assert "this was a retry" in retried.get_json()["text"]


def test_the_same_words_sent_again_as_a_new_command_give_again(slack, people):
    # Negative control for the retry test: a new trigger id is a new request.
    slack.say(f"+10 @bob #handoff {THANKS}")
    slack.say(f"+10 @bob #handoff {THANKS}")
    assert len(awards()) == 2


@pytest.mark.parametrize(
    "tamper",
    ["wrong secret", "wrong body", "no signature", "not v0", "no timestamp", "bad timestamp"],
)
def test_a_request_slack_did_not_sign_is_refused_and_changes_nothing(slack, people, tamper):
    body = command_body(GIVE)
    now = int(time.time())
    signature, timestamp, headers = sign(body, now), now, {}
    if tamper == "wrong secret":
        signature = sign(body, now, secret="not-the-secret")
    elif tamper == "wrong body":
        signature = sign(command_body("+50 @bob #need " + THANKS), now)
    elif tamper == "no signature":
        signature = ""
    elif tamper == "not v0":
        signature = signature.replace("v0=", "v1=")
    elif tamper == "no timestamp":
        headers = {"X-Slack-Request-Timestamp": ""}
    elif tamper == "bad timestamp":
        headers = {"X-Slack-Request-Timestamp": "\uff11\uff12\uff13"}  # full-width 123
    before = state()
    response = slack.post(body, timestamp=timestamp, signature=signature, headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthenticated"
    assert state() == before


@pytest.mark.parametrize("age", [6 * 60, -6 * 60, 10**9])
def test_a_stale_or_future_timestamp_is_refused_even_when_correctly_signed(slack, people, age):
    body = command_body(GIVE)
    stamp = int(time.time()) - age
    before = state()
    response = slack.post(body, timestamp=stamp, signature=sign(body, stamp))
    assert response.status_code == 401
    assert state() == before


def test_the_stale_check_catches_a_verifier_that_ignores_the_time(slack, people, monkeypatch):
    # Negative control: a naive verifier that only compares signatures accepts the replay.
    import hmac

    from slack_sdk.signature import SignatureVerifier

    def naive(self, body, timestamp, signature):
        expected = self.generate_signature(timestamp=timestamp, body=body)
        return hmac.compare_digest(expected, signature)

    monkeypatch.setattr(SignatureVerifier, "is_valid", naive)
    body = command_body(f"+1 @bob #need {THANKS}")
    stamp = int(time.time()) - 3600
    assert slack.post(body, timestamp=stamp, signature=sign(body, stamp)).status_code == 200
    assert len(awards()) == 1


def test_without_a_signing_secret_the_endpoint_is_off(app, client, people):
    app.config["BATON_SLACK_SIGNING_SECRET"] = None
    body = command_body(GIVE)
    stamp = int(time.time())
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": str(stamp),
        "X-Slack-Signature": sign(body, stamp),
    }
    response = client.post(PATH, data=body, headers=headers)
    assert response.status_code == 404
    assert awards() == []


def test_a_signed_request_that_is_not_a_command_is_a_bad_request(slack, people):
    before = state()
    for body in (b"text=%2B1+%40bob", command_body("+1 @bob", user_id="not-an-id")):
        assert slack.post(body).status_code == 400
    assert slack.post(b"\xff\xfe").status_code == 401  # not UTF-8: not a Slack request
    assert state() == before


def test_the_endpoint_needs_no_csrf_token_but_forms_still_do(app, slack, people):
    # Signed by Slack, it is exempt from CSRF (and needs no session); a form post is not.
    from tests.web.conftest import Browser

    assert app.config.get("WTF_CSRF_ENABLED", True)
    assert "You gave" in slack.say(f"+1 @bob #need {THANKS}")
    browser = Browser(app.test_client())
    assert browser.login("kwame@example.com").status_code == 302
    refused = browser.request("POST", "/settings/notifications", data={"in_app": ""})
    assert refused.status_code == 400
    with_token = browser.post("/settings/notifications", data={"in_app": ""})
    assert with_token.status_code == 302


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (f"+10 @kwame #need {THANKS}", "self_award"),
        (f"+1000 @bob #need {THANKS}", "validation_error"),
        (f"+0 @bob #need {THANKS}", "validation_error"),
        ("+10 @bob #need hi", "validation_error"),
        (f"+10 @bob #nosuchkind {THANKS}", "validation_error"),
        (f"+10 @bob {THANKS}", "validation_error"),
        (f"+10 @nobody #need {THANKS}", "unknown_recipient"),
        (f"+10 @sam #need {THANKS}", "unknown_recipient"),
        (f"+10 <@UNOONE1> #need {THANKS}", "unknown_recipient"),
        (f"+10 @bob @bob #need {THANKS}", "duplicate_recipient"),
        (f"+10 @ann <@UANN1> #need {THANKS}", "duplicate_recipient"),
        (f"+10 @retired #need {THANKS}", "recipient_inactive"),
        (f"+50 @bob @ann.lee @una #need {THANKS}", "insufficient_allowance"),
    ],
)
def test_every_refusal_is_answered_in_plain_words_and_changes_nothing(slack, people, text, code):
    from tests.factories import ADMIN_ACTOR, make_user

    retired = make_user("retired@example.com", name="Rita Retired")
    from ledger.services.directory import deactivate_user
    from tests.factories import NOW

    deactivate_user(retired.id, now=NOW, actor=ADMIN_ACTOR)
    before = state()
    answer = slack.say(text)
    assert answer.startswith(f"Not given ({code}): "), answer
    after = state()
    # A refused award keeps its key's stored refusal (an operation row), nothing else.
    assert {k: v for k, v in after.items() if k != "operations_done"} == {
        k: v for k, v in before.items() if k != "operations_done"
    }
    assert after["operations_done"] == before["operations_done"]


def test_an_ambiguous_handle_names_the_count_and_a_missing_kind_lists_the_kinds(slack, people):
    assert "@sam matches 2 people" in slack.say(f"+1 @sam #need {THANKS}")
    answer = slack.say(f"+1 @bob {THANKS}")
    assert "#need" in answer and "#handoff" in answer


def test_an_unlinked_slack_user_gets_a_one_time_link_and_nothing_is_given(app, slack, people):
    answer = slack.say(f"+10 @bob #need {THANKS}", user_id="UNEW1", user_name="newbie")
    assert "not linked" in answer
    assert f"{app.config['BATON_BASE_URL']}/slack/link/" in answer
    assert awards() == []
    offer = db.session.scalars(select(SlackLink)).one()
    assert (offer.slack_user_id, offer.slack_handle, offer.used_at) == ("UNEW1", "newbie", None)
    token = answer.split("/slack/link/")[1].split()[0]
    assert token not in offer.token_hash  # only a hash is kept


def test_balance_and_help_answer_without_giving(slack, people):
    slack.say(f"+10 @bob #need {THANKS}")
    assert "You can still give 90 of 100 points" in slack.say("balance")
    help_text = slack.say("help")
    assert "/baton +10 @ann @bob #handoff" in help_text and "#lead-time" in help_text
    assert "Start with the points" in slack.say("hello there")
    assert db.session.scalar(select(func.count()).select_from(Award)) == 1


def test_names_and_messages_cannot_ping_the_channel(slack, people):
    from ledger.services.directory import update_user
    from tests.factories import ADMIN_ACTOR, NOW

    update_user(people["bob"].id, {"name": "<!channel> Bob"}, now=NOW, actor=ADMIN_ACTOR)
    answer = slack.say(f"+1 @bob #need {THANKS}")
    assert "<!channel>" not in answer and "&lt;!channel&gt; Bob" in answer
