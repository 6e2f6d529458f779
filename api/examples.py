"""Examples the OpenAPI document shows on the main operations."""

from __future__ import annotations

ADA = {"id": 12, "name": "Ada Lovelace", "email": "ada@example.com"}
GRACE = {"id": 31, "name": "Grace Hopper", "email": "grace@example.com"}

AWARD_REQUEST = {
    "recipients": [31, "linus@example.com"],
    "points": 10,
    "message": "Thanks for the clean hand-off of the billing migration.",
    "service_kind": "handoff",
}
AWARD = {
    "id": 4711,
    "giver": ADA,
    "lines": [
        {"recipient": GRACE, "points": 10, "direction": "lateral", "cross_department": True},
        {
            "recipient": {"id": 40, "name": "Linus Pauling", "email": "linus@example.com"},
            "points": 10,
            "direction": "down",
            "cross_department": False,
        },
    ],
    "points_total": 20,
    "message": "Thanks for the clean hand-off of the billing migration.",
    "service_kind": "handoff",
    "period": "2026-11",
    "created_at": "2026-11-16T12:00:00.000000+00:00",
    "reversed": False,
    "reversal_reason": None,
    "via": None,
    "add_on_to": None,
    "add_ons": [
        {
            "id": 4712,
            "giver": {"id": 41, "name": "Ken Thompson", "email": "ken@example.com"},
            "points": 5,
            "points_total": 10,
            "message": "Me too: the runbook saved my night.",
            "created_at": "2026-11-16T12:30:00.000000+00:00",
            "reversed": False,
        }
    ],
    "points_with_add_ons": 30,
}
LEADERBOARD = {
    "items": [
        {"rank": 1, "user": GRACE, "points": 140, "awards": 9, "customers": 6},
        {"rank": 2, "user": ADA, "points": 95, "awards": 7, "customers": 7},
    ],
    "next_cursor": None,
    "since": "2026-11-01T00:00:00.000000+00:00",
    "until": "2026-12-01T00:00:00.000000+00:00",
}
ADD_ON_REQUEST = {"points": 5, "message": "Me too: the runbook saved my night."}
REVERSAL_REQUEST = {"reason": "Given by mistake to the wrong Sam."}
TOP_UP_REQUEST = {"user": "ada@example.com", "points": 50, "reason": "Onboarding week mentor."}
