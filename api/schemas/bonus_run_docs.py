"""How the bonus-run endpoints are documented in OpenAPI: the version as ETag, If-Match, the links
that let a client follow a run through its life, and an example body."""

ETAG = {"ETag": {"description": "The run's `version`, quoted.", "schema": {"type": "string"}}}
IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": False,
    "description": "The reviewed draft's `version` (its ETag), instead of `version` in the body.",
    "schema": {"type": "string", "maxLength": 200},
}
# OpenAPI links, so that a client (or a stateful fuzzer) can follow a run through its life;
# a commit carries the version of the run it follows from.
RUN_ID = {"run_id": "$response.body#/id"}
RUN_LINKS = {
    name: {"operationId": operation, "parameters": RUN_ID}
    for name, operation in [
        ("GetBonusRun", "getBonusRun"),
        ("VoidBonusRun", "voidBonusRun"),
        ("MarkBonusRunPaid", "markBonusRunPaid"),
        ("GetBonusRunPayroll", "getBonusRunPayroll"),
    ]
}
RUN_LINKS["CommitBonusRun"] = {
    "operationId": "commitBonusRun",
    "parameters": RUN_ID,
    "requestBody": {"version": "$response.body#/version"},
}
RUN_EXAMPLE = {
    "since": "2026-10-01",
    "until": "2026-10-31",
    "scope": "team:2",
    "rule": {"type": "rate", "cents_per_point": 50},
    "currency": "EUR",
    "cap_cents": 20000,
}
