"""The guarantees check: figures below their floor or with a violation fail `make test`."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from ops import guarantees
from tests import figures as figures_module
from tests.figures import write_figure

ROOT = Path(__file__).resolve().parents[2]
ENTRIES = {
    "race-sqlite": {"test": "tests/ledger/test_race.py", "floor": {"threads": 32, "trials": 10}},
    "race-postgres": {"test": "tests/ledger/test_race.py", "needs": "postgres",
                      "floor": {"trials": 10}},
    "authz": {"test": "tests/authz/test_matrix.py", "floor": {"routes": 2}},
}  # fmt: skip


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setattr(figures_module, "FIGURES", tmp_path)
    return tmp_path


def verdict(folder, env=None):
    return guarantees.problems(guarantees.gather(folder), ENTRIES, env or {})


def test_figures_at_their_floors_pass_and_parts_add_up(folder):
    write_figure("race-sqlite", violations=0, threads=32, trials=10)
    write_figure("authz", part="api-a", violations=0, routes=1)
    write_figure("authz", part="api-b", violations=0, routes=1)
    failures, notes = verdict(folder)
    assert failures == [] and notes == ["race-postgres: not run (needs postgres; "
                                        "BATON_REQUIRE_POSTGRES=1 demands it)"]  # fmt: skip
    assert guarantees.gather(folder)["authz"]["counts"] == {"routes": 2}


def test_a_violation_fails_even_when_every_count_is_met(folder):
    # Negative control for the test above: the same figures with one violation.
    write_figure("race-sqlite", violations=1, threads=32, trials=10)
    write_figure("authz", part="api-a", violations=0, routes=2)
    [failure] = verdict(folder)[0]
    assert failure.startswith("race-sqlite: 1 violation")


def test_fewer_trials_than_the_floor_fail(folder):
    write_figure("race-sqlite", violations=0, threads=32, trials=9)
    write_figure("authz", part="api-a", violations=0, routes=1)  # a route's test did not run
    assert verdict(folder)[0] == [
        "authz: routes 1 is below its floor 2",
        "race-sqlite: trials 9 is below its floor 10",
    ]


def test_a_missing_figure_fails_and_postgres_ones_when_ci_demands_them(folder):
    write_figure("authz", part="api-a", violations=0, routes=2)
    failures, _ = verdict(folder, {"BATON_REQUIRE_POSTGRES": "1"})
    assert [failure.split(":")[0] for failure in failures] == ["race-postgres", "race-sqlite"]


def test_the_check_exits_non_zero_on_a_regression(folder, monkeypatch):
    monkeypatch.setattr(guarantees, "catalog", lambda: {"figures": ENTRIES, "promises": []})
    monkeypatch.delenv("BATON_REQUIRE_POSTGRES", raising=False)  # CI sets it; not this test
    write_figure("race-sqlite", violations=0, threads=32, trials=10)
    write_figure("authz", part="api-a", violations=0, routes=2)
    assert guarantees.check(folder) == 0
    write_figure("race-sqlite", violations=0, threads=16, trials=10)
    assert guarantees.check(folder) == 1


def test_a_figure_file_is_whole_json_naming_its_test(folder):
    write_figure("sessions", part="remember-me", violations=0, scenarios=1)
    [path] = folder.glob("sessions/*.json")
    data = json.loads(path.read_text())
    assert data["test"].endswith("test_a_figure_file_is_whole_json_naming_its_test")
    assert data["counts"] == {"scenarios": 1} and not list(folder.glob("**/*.tmp"))


def test_the_document_lists_every_promise_with_its_figures_and_controls(folder):
    write_figure("race-sqlite", violations=0, threads=32, trials=10)
    data = guarantees.catalog()
    text = guarantees.render(guarantees.gather(folder), data)
    for promise in data["promises"]:
        assert f"## {promise['promise']}" in text
        assert all(f"`{control}`" in text for control in promise["controls"])
    assert "| race-sqlite | `tests/ledger/test_race.py` | threads 32, trials 10 |" in text
    assert "| race-postgres | `tests/ledger/test_race.py` | not run |" in text


def test_every_figure_and_control_in_the_catalog_names_a_real_test():
    data = guarantees.catalog()
    for promise in data["promises"]:
        assert set(promise["figures"]) <= set(data["figures"]), promise["id"]
        for control in promise["controls"]:
            path, name = control.split("::")
            tree = ast.parse((ROOT / path).read_text())
            defined = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
            assert name in defined, control
    for entry in data["figures"].values():
        assert "write_figure(" in (ROOT / entry["test"]).read_text(), entry["test"]
