"""Slack's slash command: verify the signature, run the command, answer ephemerally."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qs

from flask import Blueprint, current_app, jsonify, request
from slack_sdk.signature import SignatureVerifier

from integrations.slack_answers import answer_text
from ledger.chat.commands import ChatRequest, run_command
from ledger.chat.links import SLACK_USER_ID
from ledger.clock import utcnow

bp = Blueprint("slack", __name__, url_prefix="/integrations/slack")
MAX_TEXT = 4000


@bp.post("/commands")
def commands():
    """Answer a slash command; a request Slack did not sign (recently) changes nothing."""
    secret = current_app.config.get("BATON_SLACK_SIGNING_SECRET")
    if not secret:
        return _refuse(404, "not_found", "The Slack integration is not set up.")
    raw = request.get_data(cache=True)
    if not _signed_by_slack(secret, raw):
        return _refuse(401, "unauthenticated", "The request is not signed by Slack.")
    chat = _chat_request(raw)
    if chat is None:
        return _refuse(400, "bad_request", "The request is not a Slack slash command.")
    answer = run_command(chat, now=utcnow())
    return jsonify({"response_type": "ephemeral", "text": answer_text(answer)})


def _signed_by_slack(secret: str, raw: bytes) -> bool:
    """Check Slack's v0 signature: constant-time, timestamp within 5 minutes of now."""
    timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
    signature = request.headers.get("X-Slack-Signature", "")
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
        return False  # nor on a timestamp that is not a number
    try:
        raw.decode("utf-8")  # Slack sends UTF-8; the verifier would raise on anything else
    except UnicodeDecodeError:
        return False
    return SignatureVerifier(secret).is_valid(raw, timestamp, signature)


def _chat_request(raw: bytes) -> ChatRequest | None:
    form = parse_qs(raw.decode("utf-8"), keep_blank_values=True)
    fields = {name: values[0] for name, values in form.items() if len(values) == 1}
    user_id, team_id = fields.get("user_id", ""), fields.get("team_id", "")
    text = fields.get("text", "")
    if not SLACK_USER_ID.match(user_id) or not 1 <= len(team_id) <= 32 or len(text) > MAX_TEXT:
        return None
    return ChatRequest(
        team_id=team_id,
        user_id=user_id,
        user_name=fields.get("user_name") or None,
        text=text,
        # Slack retries a request with the same body: its hash is the idempotency key.
        request_key=hashlib.sha256(raw).hexdigest(),
    )


def _refuse(status: int, code: str, message: str):
    return jsonify({"error": {"code": code, "message": message}}), status
