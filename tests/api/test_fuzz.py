"""Fuzz the whole API against its OpenAPI document with schemathesis, in process."""

from __future__ import annotations

import contextlib
import itertools
import os
from collections import Counter
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Flaky
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import ignored_auth

from ledger.reconciliation import verify_ledger
from tests.api.fuzzing import seed_fuzz_world
from tests.figures import write_figure

pytestmark = [pytest.mark.heavy, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = int(os.environ.get("BATON_FUZZ_EXAMPLES", "50"))
ROUNDS = 6  # stateful rounds at most, until the bonus-run operations were reached
AWARDS = "POST /api/v1/awards"
RUNS = "POST /api/v1/bonus-runs"
TRANSITIONS = [f"{RUNS}/{{run_id}}/{step}" for step in ("commit", "void", "paid")]
FOLLOW_UPS = [f"{AWARDS}/{{award_id}}/{step}" for step in ("add-ons", "withdrawal")]
_keys = itertools.count(1)


@pytest.fixture
def seeded(app):
    """An admin who can give plenty, and people to receive: awards can actually succeed."""
    return seed_fuzz_world()


def is_positive(case) -> bool:
    """Tell whether schemathesis generated the case as valid data; negative cases stay as they
    are, since steering them would make them valid while the fuzzer still expects a refusal."""
    meta = getattr(case, "meta", None)
    return meta is None or meta.generation.mode == GenerationMode.POSITIVE


def steered(strategy, people, kinds):
    """Four award cases in five name real people and kinds with a fresh key; the rest stay as
    generated (random people rarely exist, so without this the rules past lookup go untested)."""

    @st.composite
    def build(draw):
        case = draw(strategy)
        if is_positive(case) and isinstance(case.body, dict) and draw(st.randoms()).random() < 0.8:
            wanted = case.body.get("recipients")
            count = min(len(wanted), len(people)) if isinstance(wanted, list) and wanted else 1
            case.body["recipients"] = draw(st.permutations(people))[:count]
            case.body["service_kind"] = draw(st.sampled_from(kinds))
            case.body.pop("on_behalf_of", None)
            case.headers = {**(case.headers or {}), "Idempotency-Key": f"fuzz-{next(_keys)}"}
        return case

    return build()


def fuzz(app, seeded, *, only: str | None = None, examples: int = EXAMPLES, calls=None):
    """Run every operation (or one) with `examples` cases; return failures and award statuses.

    `calls`, a Counter if given, counts the cases run per operation."""
    calls = Counter() if calls is None else calls
    token, people, kinds = seeded
    config = SchemathesisConfig.from_path(ROOT / "schemathesis.toml")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=config)
    auth = {"Authorization": f"Bearer {token}"}
    failures: dict[str, str] = {}
    awards: Counter[int] = Counter()
    for result in schema.get_all_operations():
        operation = result.ok()
        label = operation.label
        if only is not None and label != only:
            continue
        strategy = operation.as_strategy()
        if label == AWARDS:
            strategy = steered(strategy, people, kinds)

        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def run(case):
            calls[case.operation.label] += 1
            response = case.call_and_validate(headers=auth)
            if case.operation.label == AWARDS:
                awards[response.status_code] += 1

        try:
            run()
        except (Exception, BaseExceptionGroup) as error:  # report every operation's failure
            failures[label] = f"{type(error).__name__}: {str(error)[:1500]}"
    return failures, awards


def test_the_api_holds_to_its_openapi_document(app, seeded):
    calls: Counter[str] = Counter()
    failures, awards = fuzz(app, seeded, calls=calls)
    print(f"POST /awards statuses: {dict(awards)}")
    write_figure("fuzz", violations=len(failures), operations=len(calls),
                 examples=sum(calls.values()), award_calls=sum(awards.values()),
                 awards_accepted=awards[201])  # fmt: skip
    assert failures == {}, "\n\n".join(f"{label}\n{text}" for label, text in failures.items())
    assert awards[201] >= 0.3 * sum(awards.values()), awards
    report = verify_ledger()
    assert report["ok"], report["problems"]


def test_the_fuzzer_catches_an_answer_that_breaks_the_document(app, seeded, monkeypatch):
    # Negative control: an answer missing a required field must fail the run.
    monkeypatch.setattr("api.meta.service_kinds", lambda: [{"name": "Need", "description": ""}])
    failures, _ = fuzz(app, seeded, only="GET /api/v1/service-kinds", examples=5)
    assert "GET /api/v1/service-kinds" in failures


def _consistent(body: dict) -> dict:
    """Keep the generated rule's type, with the one amount that type needs."""
    rule = body.get("rule") if isinstance(body.get("rule"), dict) else {}
    kind = rule.get("type") if rule.get("type") in {"rate", "pool"} else "rate"
    amount = "pool_cents" if kind == "pool" else "cents_per_point"
    return {"type": kind, amount: rule.get(amount) or 100}


def test_linked_calls_hold_to_the_document(app, seeded):
    """The stateful phase: follow the links from an award (read, reverse, add to, withdraw) and
    from a bonus run (read, commit, void, paid, payroll); steered so those calls can succeed."""
    token, people, kinds = seeded
    config = SchemathesisConfig.from_path(ROOT / "schemathesis.toml")
    # Follow the document's own links only: inferred ones (dozens) dilute the walk so much
    # that the bonus-run operations, three links deep, are seldom reached.
    config.projects.default.phases.stateful.inference.algorithms = []
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=config)
    seen: Counter[str] = Counter()

    class Links(schema.as_state_machine()):
        def before_call(self, case):
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
            if case.operation.label == AWARDS and is_positive(case) and isinstance(case.body, dict):
                case.body.update(recipients=people[:1], service_kind=kinds[0])
                case.body.pop("on_behalf_of", None)
                case.headers["Idempotency-Key"] = f"s-{next(_keys)}"
            if case.operation.label == RUNS and is_positive(case) and isinstance(case.body, dict):
                # A window and scope that hold the seeded awards, and no minimum to fall below.
                case.body.update(scope="company", since="2000-01-01", until="2100-12-31")
                case.body.update(min_points=0, currency="EUR", rule=_consistent(case.body))
            if case.operation.label in TRANSITIONS + FOLLOW_UPS and is_positive(case):
                case.headers["Idempotency-Key"] = f"s-{next(_keys)}"

        def after_call(self, response, case):
            super().after_call(response, case)
            seen[f"{case.operation.label} {response.status_code}"] += 1

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            # The token set in before_call looks "generated" to ignored_auth; the run above
            # keeps that check on with the token passed the way it recognises.
            case.validate_response(
                response,
                excluded_checks=[ignored_auth],
                transport_kwargs=kwargs or None,
                recorder=getattr(self, "recorder", None),
            )

    def reached() -> bool:
        # The run's own operations are reached through its links: a commit succeeds, and void
        # or paid reach a real run (200, or 409 for a run in the wrong state), not a 404.
        return seen[f"{TRANSITIONS[0]} 200"] > 0 and any(
            seen[f"{label} 200"] + seen[f"{label} 409"] > 0 for label in TRANSITIONS[1:]
        )

    for _ in range(ROUNDS):
        # Scenarios depend on what the server answered before, so Hypothesis may find a
        # replay inconsistent; schemathesis' own runner restarts then, and so do we.
        with contextlib.suppress(Flaky):
            Links.run(
                settings=settings(
                    max_examples=EXAMPLES // 2,
                    stateful_step_count=6,
                    deadline=None,
                    database=None,
                    suppress_health_check=list(HealthCheck),
                )
            )
        if seen[f"{AWARDS} 201"] > 0 and reached():
            break
    print(dict(seen))
    assert seen[f"{AWARDS} 201"] > 0
    assert seen[f"{RUNS} 201"] > 0
    assert reached(), "commit, void or paid never reached a run"
    assert verify_ledger()["ok"]
