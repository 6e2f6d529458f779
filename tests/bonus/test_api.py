"""The bonus-run API: preview, commit with keys, void, paid and the payroll export."""

import csv
import io

import pytest

from ledger.export import safe_cell
from tests.api.conftest import Caller, token_for
from tests.bonus.helpers import build_org, give
from tests.factories import make_user

RUN = {
    "since": "2026-11-01",
    "until": "2026-11-30",
    "rule": {"type": "rate", "cents_per_point": 25},
    "currency": "EUR",
}


@pytest.fixture
def org(app, client):
    org = build_org()
    give(org.dee, [org.bob, org.cy], 20)
    org.caller = Caller(client, org.ann, token_for(org.ann, ["read", "manage"]))
    return org


def create(org, **changes):
    return org.caller.post(
        "/api/v1/bonus-runs", json={**RUN, "scope": f"team:{org.ann.id}", **changes}, key=None
    )


def commit(org, run_id, version, key="auto", **kwargs):
    path = f"/api/v1/bonus-runs/{run_id}/commit"
    return org.caller.post(path, json={"version": version}, key=key, **kwargs)


def test_a_manager_previews_commits_and_exports_a_run(org):
    created = create(org)
    assert created.status_code == 201, created.json
    run = created.json
    assert run["status"] == "draft" and run["totals"]["amount"] == "10.00"
    assert created.headers["ETag"] == f'"{run["version"]}"'
    shown = org.caller.get(f"/api/v1/bonus-runs/{run['id']}")
    assert shown.json["stale"] is False and shown.json["version"] == run["version"]
    assert shown.headers["ETag"] == created.headers["ETag"]
    committed = commit(org, run["id"], run["version"], key="c1")
    assert committed.status_code == 200 and committed.json["status"] == "committed"
    assert committed.json["version"] == run["version"]
    replay = commit(org, run["id"], run["version"], key="c1")
    assert replay.data == committed.data and replay.headers["Idempotent-Replayed"] == "true"
    again = commit(org, run["id"], run["version"], key="c2")
    assert (again.status_code, again.json["error"]["code"]) == (409, "already_committed")
    rows = org.caller.get(f"/api/v1/bonus-runs/{run['id']}/payroll").json["items"]
    assert [(row["email"], row["amount"], row["currency"]) for row in rows] == [
        (org.bob.email, "5.00", "EUR"),
        (org.cy.email, "5.00", "EUR"),
    ]
    paid = org.caller.post(f"/api/v1/bonus-runs/{run['id']}/paid", key="p1")
    assert paid.json["status"] == "paid"
    void = org.caller.post(f"/api/v1/bonus-runs/{run['id']}/void", key="v1")
    assert (void.status_code, void.json["error"]["code"]) == (409, "already_paid")
    listed = org.caller.get("/api/v1/bonus-runs").json["items"]
    assert [item["id"] for item in listed] == [run["id"]]


def test_the_same_key_on_two_different_commits_is_refused(org):
    first, second = create(org).json, create(org, currency="USD").json
    assert commit(org, first["id"], first["version"], key="same").status_code == 200
    reused = commit(org, second["id"], second["version"], key="same")
    assert (reused.status_code, reused.json["error"]["code"]) == (422, "idempotency_key_reused")


def test_a_run_pays_only_the_version_that_was_previewed(org):
    # Regression: after `draft_stale` the server refreshed the draft, and a second commit
    # with no new preview paid amounts nobody had seen.
    run = create(org).json
    give(org.dee, [org.cy], 8)  # lands after the preview: Cy now has 28 points, not 20
    stale = commit(org, run["id"], run["version"])
    assert (stale.status_code, stale.json["error"]["code"]) == (409, "draft_stale")
    fresh = stale.json["error"]["details"]["draft"]
    assert fresh["version"] != run["version"] and fresh["totals"]["points"] == 48
    assert fresh["total_cents"] == fresh["totals"]["amount_cents"] == 1200
    again = commit(org, run["id"], run["version"])  # the old version, a new key
    assert (again.status_code, again.json["error"]["code"]) == (409, "draft_stale")
    assert again.json["error"]["details"]["draft"]["version"] == fresh["version"]
    assert org.caller.get(f"/api/v1/bonus-runs/{run['id']}").json["status"] == "draft"
    paid = commit(org, run["id"], fresh["version"])
    assert paid.status_code == 200, paid.json
    assert paid.json["totals"]["amount_cents"] == 1200 and paid.json["total_cents"] == 1200
    rows = org.caller.get(f"/api/v1/bonus-runs/{run['id']}/payroll").json["items"]
    assert {row["email"]: row["amount"] for row in rows} == {
        org.bob.email: "5.00",
        org.cy.email: "7.00",
    }


def test_a_commit_without_a_version_is_refused_and_the_key_stays_unused(org):
    run = create(org).json
    path = f"/api/v1/bonus-runs/{run['id']}/commit"
    for missing in (org.caller.post(path, key="k"), org.caller.post(path, json={}, key="k")):
        assert (missing.status_code, missing.json["error"]["code"]) == (428, "version_required")
    star = org.caller.post(path, key="k", headers={"If-Match": "*"})  # names no version
    assert (star.status_code, star.json["error"]["code"]) == (422, "validation_error")
    assert org.caller.get(path.removesuffix("/commit")).json["status"] == "draft"
    assert commit(org, run["id"], run["version"], key="k").status_code == 200


def test_if_match_names_the_version_as_the_etag_does(org):
    run = create(org).json
    path = f"/api/v1/bonus-runs/{run['id']}/commit"
    etag = org.caller.get(path.removesuffix("/commit")).headers["ETag"]
    both = org.caller.post(path, json={"version": "other"}, headers={"If-Match": etag})
    assert (both.status_code, both.json["error"]["code"]) == (422, "validation_error")
    weak = org.caller.post(path, headers={"If-Match": f"W/{etag}"})
    assert (weak.status_code, weak.json["error"]["code"]) == (422, "validation_error")
    wrong = org.caller.post(path, headers={"If-Match": '"not-this-one"'})
    assert (wrong.status_code, wrong.json["error"]["code"]) == (409, "draft_stale")
    committed = org.caller.post(path, key="m", headers={"If-Match": etag})
    assert committed.status_code == 200 and committed.headers["ETag"] == etag
    # The same key with the version in the body is the same request: it replays.
    replay = commit(org, run["id"], run["version"], key="m")
    assert replay.headers["Idempotent-Replayed"] == "true" and replay.data == committed.data


def test_commit_needs_an_idempotency_key_and_the_manage_scope(org, client):
    run_id = create(org).json["id"]
    missing = org.caller.post(f"/api/v1/bonus-runs/{run_id}/commit", json={}, key=None)
    assert missing.json["error"]["code"] == "idempotency_key_missing"
    reader = Caller(client, org.ann, token_for(org.ann, ["read"]))
    assert reader.post(f"/api/v1/bonus-runs/{run_id}/commit").status_code == 403
    outsider = Caller(client, org.dee, token_for(org.dee, ["read"]))
    assert outsider.get(f"/api/v1/bonus-runs/{run_id}").status_code == 403


def test_runs_outside_your_reach_are_not_found(org, client):
    run_id = create(org).json["id"]
    other = build_other_manager(client)
    assert other.get(f"/api/v1/bonus-runs/{run_id}").status_code == 404
    assert other.post(f"/api/v1/bonus-runs/{run_id}/commit").status_code == 404


def build_other_manager(client):
    manager = make_user(role="manager")
    return Caller(client, manager, token_for(manager, ["read", "manage"]))


@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        ({"rule": {"type": "rate"}}, 422, "validation_error"),
        (
            {"rule": {"type": "pool", "pool_cents": 10, "cents_per_point": 1}},
            422,
            "validation_error",
        ),
        ({"rule": {"type": "rate", "cents_per_point": 1.5}}, 422, "validation_error"),
        ({"currency": "XXQ"}, 422, "validation_error"),
        ({"scope": "everyone"}, 422, "validation_error"),
        ({"scope": "company"}, 403, "forbidden"),
        ({"since": "2026-01-01", "until": "2026-01-31"}, 422, "empty_run"),
        ({"extra": 1}, 422, "validation_error"),
    ],
)
def test_bad_requests_get_a_clear_error_and_write_nothing(org, changes, status, code):
    answer = create(org, **changes)
    assert (answer.status_code, answer.json["error"]["code"]) == (status, code)
    assert org.caller.get("/api/v1/bonus-runs").json["items"] == []


def test_the_payroll_csv_escapes_formula_prefixes(org):
    tricky = ["=HYPERLINK(1)", "+1", "-2", "@SUM(1)"]  # the directory strips tabs and CRs
    give(org.dee, [make_user(manager=org.ann.email, name=name) for name in tricky], 1)
    run = create(org).json
    run_id = run["id"]
    assert commit(org, run_id, run["version"]).status_code == 200
    answer = org.caller.get(f"/api/v1/bonus-runs/{run_id}/payroll.csv")
    assert answer.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    assert {"'" + name for name in tricky} <= {row["name"] for row in rows}
    cells = [cell for row in rows for cell in row.values()]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    assert {row["amount"] for row in rows} == {"5.00", "0.25"}


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\tTab", "\rCR"])
def test_every_formula_prefix_is_escaped(text):
    assert safe_cell(text) == "'" + text
    assert safe_cell("Plain " + text) == "Plain " + text


def test_the_escaping_check_would_catch_a_raw_writer():
    # Negative control: the same names written by a plain csv writer start with a formula.
    buffer = io.StringIO()
    csv.writer(buffer).writerow(["=HYPERLINK(1)"])
    assert buffer.getvalue().startswith("=")
