"""Complete the OpenAPI document from what the request guard enforces, so the two never drift."""

from __future__ import annotations

from apispec import BasePlugin
from flask import Flask

from api.results import IDEMPOTENCY_HEADER
from api.schemas import ChangeSchema

DESCRIPTION = """\
Baton's REST API: give and read awards, leaderboards, balances, service requests and bonus
runs.

**Credentials.** Send `Authorization: Bearer <token>` (create one with
`flask ledger create-token EMAIL --scope read --scope award` or in the web UI). Scopes:
`read`, `award`, `manage`, `admin`, `on-behalf`; none implies another.

**Errors** share one shape: `{"error": {"code", "message", "details"?}}`. The order of checks
is 401, 403, 404, 400, 422, then the ledger's own rules. Answers carry
`Cache-Control: no-store`; only 429 and 503 carry `Retry-After`. 503 `busy` means the
database is busy, unavailable or restarting: retry after `Retry-After` seconds, with the same
`Idempotency-Key`. A body over 2 MB (20 MB
for the user import), with a `Content-Length` or chunked, answers 413 `too_large`.

**Bodies** are strict JSON in UTF-8. A body that is malformed, holds a lone surrogate
(`\\ud800`), `NaN` or `Infinity`, a number of more than 4,300 digits, or nests more than 64
levels deep answers 400 `bad_request` (`details.path` points at a bad string).

**Text** fields refuse NUL and other control characters (messages and reasons keep line
breaks and tabs); names, departments and emails also refuse line breaks and text-direction
overrides (U+202A to U+202E, U+2066 to U+2069). Minimums count visible characters only, so a
message of zero-width spaces is too short. Each refusal is 422 `validation_error` naming the
field.

**Idempotency.** Every call that moves points needs an `Idempotency-Key` header. Retrying
with the same key and the same request answers the first result again, byte for byte, with
`Idempotent-Replayed: true`; the same key with another request answers 422
`idempotency_key_reused`.

**Bonus runs pay what was previewed.** A draft carries a `version` (a digest of its lines
and amounts, also its `ETag`). Commit names it, as `{"version": ...}` or `If-Match`; without
one the commit answers 428 `version_required`, and when the lines or amounts changed since
that version it answers 409 `draft_stale` with the fresh draft in `details.draft`, every
time, until you commit the fresh version.

**Service requests** (`/requests`) are the customer's order: ask a person or a department
by a due date, then accept, hand off, deliver and close (optionally with an award to the
whole chain, in the same step), or withdraw or decline. Each step needs an `Idempotency-Key`
and the `award` scope; a step the state does not allow answers 409
`request_state_conflict`, `already_accepted` or `request_finished`; a step that belongs to
someone else answers 403 `forbidden`.

**Lists** answer `{"items", "next_cursor"}`; pass `cursor` until it is null. Awards and
leaderboards also answer CSV (`Accept: text/csv` or `format=csv`).

**Webhooks.** Rather than polling, subscribe an endpoint (`POST /webhooks`, `admin`): Baton
POSTs each chosen event, signed by the Standard Webhooks specification, with the object as
this API returns it. Delivery is at least once: deduplicate on the `webhook-id` header.
"""


class IdempotencyKeyPlugin(BasePlugin):
    """Declare the required Idempotency-Key header on every operation marked `@idempotent`."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def operation_helper(self, path=None, operations=None, **kwargs):
        rule = kwargs.get("rule")
        view = self.app.view_functions.get(rule.endpoint) if rule is not None else None
        view_class = getattr(view, "view_class", None)
        if view_class is None:
            return
        for method, operation in (operations or {}).items():
            handler = getattr(view_class, method, None)
            if not getattr(handler, "_baton_idempotent", False):
                continue
            parameters = operation.setdefault("parameters", [])
            if not any(p.get("name") == IDEMPOTENCY_HEADER["name"] for p in parameters):
                parameters.append(dict(IDEMPOTENCY_HEADER))


class MinPropertiesPlugin(BasePlugin):
    """Say `minProperties: 1` for partial-update bodies, which refuse an empty object."""

    def schema_helper(self, name, definition, **kwargs):
        schema = kwargs.get("schema")
        schema_class = schema if isinstance(schema, type) else type(schema)
        if isinstance(schema_class, type) and issubclass(schema_class, ChangeSchema):
            return {"minProperties": 1}
        return None
