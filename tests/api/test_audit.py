"""GET /api/v1/audit: filters, paging, CSV that a spreadsheet cannot run, lines no one forges."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from api.audit import CSV_HEADER
from ledger.audit import record_alone
from ledger.operations import Actor
from tests.factories import make_user

AUDIT = "/api/v1/audit"
BASE = datetime(2026, 11, 1, 12, tzinfo=UTC)
# A reason that tries to end its row and append a sign-in by someone else.
FORGERY = "Payroll fix\r\n999999,2026-11-28T00:00:00+00:00,sign_in,ok,1,Mallory,m@x.io"


@pytest.fixture
def admin(org, as_user):
    return as_user(org.admin, ("read", "admin"))


@pytest.fixture
def trail(app, org):
    """Six sign-ins and sign-outs, one a day from 1 Nov, alternately by Ada and Bob."""
    for n in range(6):
        who = org.ada if n % 2 == 0 else org.bob
        record_alone(
            "sign_in" if n < 4 else "sign_out",
            actor=Actor(who.id, request_id=f"r{n}", client_address="192.0.2.7"),
            now=BASE + timedelta(days=n),
            object_type="user",
            object_id=who.id,
        )


def every_page(caller, query: str, limit: int) -> list[dict]:
    items, cursor = [], None
    for _ in range(100):
        suffix = f"&cursor={cursor}" if cursor else ""
        answer = caller.get(f"{AUDIT}?limit={limit}&{query}{suffix}")
        assert answer.status_code == 200, answer.json
        items += answer.json["items"]
        cursor = answer.json["next_cursor"]
        if cursor is None:
            return items
    raise AssertionError("the cursor never ran out")


def test_pages_are_newest_first_without_gaps_or_repeats(admin, trail):
    whole = admin.get(f"{AUDIT}?limit=500").json
    assert whole["next_cursor"] is None and len(whole["items"]) > 6
    paged = every_page(admin, "", limit=2)
    assert [e["id"] for e in paged] == [e["id"] for e in whole["items"]]
    assert [e["id"] for e in paged] == sorted((e["id"] for e in paged), reverse=True)


def test_the_person_filter_finds_what_they_did_and_what_was_done_to_them(admin, org, trail):
    found = every_page(admin, f"person={org.ada.id}", limit=2)
    for event in found:
        about = (event["object_type"], event["object_id"]) == ("user", str(org.ada.id))
        assert about or (event["actor"] or {}).get("id") == org.ada.id
    actions = sorted(e["action"] for e in found)
    assert actions == ["create_user", "sign_in", "sign_in", "sign_out"]
    assert all(e["client_address"] == "192.0.2.7" for e in found if e["action"] != "create_user")


def test_action_and_date_range_filters_combine(admin, org, trail):
    answer = admin.get(f"{AUDIT}?action=sign_in&since=2026-11-02&until=2026-11-03")
    assert [e["request_id"] for e in answer.json["items"]] == ["r2", "r1"]
    exclusive = admin.get(f"{AUDIT}?action=sign_in&until=2026-11-02T12:00:00Z")
    assert [e["request_id"] for e in exclusive.json["items"]] == ["r0"]  # r1 is at 12:00
    answer = admin.get(f"{AUDIT}?action=sign_out&person={org.bob.id}")
    assert [e["request_id"] for e in answer.json["items"]] == ["r5"]


@pytest.mark.parametrize(
    "query",
    ["action=Sign%20In", "since=yesterday", "until=2026-13-01", "person=0", "limit=0",
     "limit=501", "cursor=c1.bm90LWEtY3Vyc29y", "cursor=baton_notatoken", "colour=red",
     "format=xml", "since=0001-01-01"],
)  # fmt: skip
def test_bad_filters_answer_422_not_500(admin, trail, query):
    answer = admin.get(f"{AUDIT}?{query}")
    assert answer.status_code in (401, 422), answer.json
    assert answer.json["error"]["code"] in {"validation_error", "unauthenticated"}


def test_csv_has_one_row_per_event_and_the_json_fields(admin, org, trail):
    answer = admin.get(f"{AUDIT}?format=csv&person={org.bob.id}")
    assert answer.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True))))
    assert rows[0] == CSV_HEADER
    listed = admin.get(f"{AUDIT}?person={org.bob.id}&limit=500").json["items"]
    assert [int(row[0]) for row in rows[1:]] == [e["id"] for e in listed]


def test_a_name_that_looks_like_a_formula_is_quoted_in_the_csv(admin, app):
    mallory = make_user("mallory@example.com", name='=HYPERLINK("http://evil.example","x")')
    record_alone("sign_in", actor=Actor(mallory.id), now=BASE, object_type="user", object_id=1)
    rows = list(csv.DictReader(io.StringIO(admin.get(f"{AUDIT}?format=csv").get_data(True))))
    names = {row["actor_name"] for row in rows if row["actor_id"] == str(mallory.id)}
    assert names == {"'" + mallory.name}


def forged(text: str, events: int) -> bool:
    """Tell whether a line-by-line reader (grep, a log shipper) sees rows that are not events."""
    lines = text.split("\r\n")[1:-1]
    return len(lines) != events or any(line.startswith("999999,") for line in lines)


def top_up_with_a_forged_reason(caller, org) -> None:
    answer = caller.post(
        "/api/v1/allowances/top-ups", {"user": org.ada.id, "points": 1, "reason": FORGERY}
    )
    assert answer.status_code == 201, answer.json


def test_a_cr_lf_in_user_text_cannot_forge_a_csv_line(admin, org):
    top_up_with_a_forged_reason(admin, org)
    events = len(admin.get(f"{AUDIT}?limit=500").json["items"])
    text = admin.get(f"{AUDIT}?format=csv").get_data(as_text=True)
    assert not forged(text, events)
    [row] = [r for r in csv.DictReader(io.StringIO(text)) if r["action"] == "top_up"]
    assert "Payroll fix\\r\\n999999" in row["details"]
    # The API itself gives the reason back exactly, as structured JSON.
    [event] = admin.get(f"{AUDIT}?action=top_up").json["items"]
    assert event["details"]["reason"] == FORGERY


def test_a_naive_details_column_would_let_the_line_be_forged(admin, org, monkeypatch):
    # Negative control: details written as plain `key=value` text end the CSV line.
    monkeypatch.setattr(
        "api.audit.readable", lambda details: " ".join(f"{k}={v}" for k, v in details.items())
    )
    top_up_with_a_forged_reason(admin, org)
    events = len(admin.get(f"{AUDIT}?limit=500").json["items"])
    assert forged(admin.get(f"{AUDIT}?format=csv").get_data(as_text=True), events)


def test_only_the_admin_scope_reads_the_trail(org, as_user, trail):
    assert as_user(org.admin, ("read",)).get(AUDIT).status_code == 403
    assert as_user(org.ada, ("read", "award")).get(AUDIT).status_code == 403
