"""Every route against every kind of principal: who may act, and that refusals change nothing.

The table below has one entry per (endpoint, method) of `app.url_map`; a new route without
an entry fails `test_every_route_has_an_entry`, so authorization is decided, not forgotten.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.authz.world import MESSAGE, build_world, email_of, login, serial
from tests.factories import make_app
from tests.figures import write_figure
from tests.web.test_sessions import FreshClient

API_PRINCIPALS = ["anonymous", "cookie:E1", "tok:E1", "tok:E2", "tok:M1", "tok:M2", "tok:A",
                  "tok:A:read", "tok:A:award", "tok:A:manage", "tok:A:admin",
                  "tok:S:on-behalf", "tok:expired", "tok:revoked"]  # fmt: skip
WEB_PRINCIPALS = ["anonymous", "E1", "E2", "M1", "M2", "A"]

ANY_VALID = set(API_PRINCIPALS) - {"anonymous", "tok:expired", "tok:revoked"}
READ = {"cookie:E1", "tok:E1", "tok:E2", "tok:M1", "tok:M2", "tok:A", "tok:A:read"}
AWARD = {"tok:E1", "tok:E2", "tok:M1", "tok:M2", "tok:A", "tok:A:award"}
ADMIN = {"tok:A", "tok:A:admin"}
MANAGE = {"tok:M1", "tok:M2", "tok:A", "tok:A:manage"}
REACH_E1 = {"cookie:E1", "tok:E1", "tok:M1", "tok:A", "tok:A:read"}
RUN_OF_M1 = {"tok:M1", "tok:A", "tok:A:manage"}
LOGGED_IN = {"E1", "E2", "M1", "M2", "A"}
MANAGERS = {"M1", "M2", "A"}
PUBLIC = "public"


def today() -> str:
    return date.today().isoformat()


def bonus_body(w):
    return {
        "since": "2020-01-01",
        "until": today(),
        "scope": f"team:{w.ids['M1']}",
        "rule": {"type": "rate", "cents_per_point": 100},
        "currency": "EUR",
    }


# (endpoint, method) -> (path, body or None, who may act). Paths use the world's ids.
API = {
    ("meta.ServiceKinds", "GET"): ("/api/v1/service-kinds", None, READ),
    ("Users.Me", "GET"): ("/api/v1/me", None, ANY_VALID),
    ("Users.Users", "GET"): ("/api/v1/users", None, READ),
    ("Users.Users", "POST"): (
        "/api/v1/users",
        lambda w: {"email": f"new{serial()}@example.com", "name": "New Person"},
        ADMIN,
    ),
    ("Users.User", "GET"): ("/api/v1/users/{E1}", None, READ),
    ("Users.User", "PATCH"): ("/api/v1/users/{E1}", lambda w: {"name": "Eve Renamed"}, ADMIN),
    ("Users.UserImport", "POST"): (
        "/api/v1/users/import?dry_run=true",
        lambda w: {
            "rows": [
                {
                    "email": "imported@example.com",
                    "name": "Imported",
                    "department": "Sales",
                    "manager_email": "",
                    "role": "employee",
                }
            ]
        },
        ADMIN,
    ),
    ("Users.Departments", "GET"): ("/api/v1/departments", None, READ),
    ("Awards.Awards", "GET"): ("/api/v1/awards", None, READ),
    ("Awards.Awards", "POST"): (
        "/api/v1/awards",
        lambda w: {
            "recipients": [w.ids["E1b"]],
            "points": 1,
            "message": MESSAGE,
            "service_kind": "need",
        },
        AWARD,
    ),
    ("Awards.Award", "GET"): ("/api/v1/awards/{award}", None, READ),
    ("Awards.AwardReversal", "POST"): (
        "/api/v1/awards/{award2}/reversal",
        lambda w: {"reason": "authorization test"},
        ADMIN,
    ),
    # E1 and E1b receive or gave the award (a domain refusal, not a denial): still allowed.
    ("Awards.AwardAddOns", "POST"): (
        "/api/v1/awards/{award}/add-ons",
        lambda w: {"points": 1},
        AWARD,
    ),
    # Only the giver (E2) withdraws; everyone else with the award scope is refused 403.
    ("Awards.AwardWithdrawal", "POST"): ("/api/v1/awards/{award3}/withdrawal", None, {"tok:E2"}),
    ("Balances.Balances", "GET"): ("/api/v1/users/{E1}/balances", None, REACH_E1),
    ("Balances.Entries", "GET"): ("/api/v1/users/{E1}/entries?account=earned", None, REACH_E1),
    ("Leaderboard.Leaderboard", "GET"): ("/api/v1/leaderboard", None, READ),
    ("Recognition.Givers", "GET"): ("/api/v1/leaderboard/givers", None, READ),
    ("Recognition.MyPayouts", "GET"): ("/api/v1/me/payouts", None, READ),
    ("Ledger.TopUps", "POST"): (
        "/api/v1/allowances/top-ups",
        lambda w: {"user": w.ids["E1"], "points": 1, "reason": "authorization test"},
        ADMIN,
    ),
    ("Ledger.Verify", "GET"): ("/api/v1/ledger/verify", None, ADMIN),
    ("BonusRuns.BonusRuns", "GET"): ("/api/v1/bonus-runs", None, MANAGE),
    ("BonusRuns.BonusRuns", "POST"): ("/api/v1/bonus-runs", bonus_body, RUN_OF_M1),
    ("BonusRuns.BonusRun", "GET"): ("/api/v1/bonus-runs/{run}", None, RUN_OF_M1),
    ("BonusRuns.BonusRunCommit", "POST"): (
        "/api/v1/bonus-runs/{run}/commit",
        lambda w: {"version": w.ids["run_version"]},
        RUN_OF_M1,
    ),
    ("BonusRuns.BonusRunPaid", "POST"): ("/api/v1/bonus-runs/{run}/paid", None, RUN_OF_M1),
    ("BonusRuns.BonusRunVoid", "POST"): ("/api/v1/bonus-runs/{run}/void", None, RUN_OF_M1),
    ("BonusRuns.BonusRunPayroll", "GET"): ("/api/v1/bonus-runs/{run}/payroll", None, RUN_OF_M1),
    ("BonusRuns.BonusRunPayrollCsv", "GET"): (
        "/api/v1/bonus-runs/{run}/payroll.csv",
        None,
        RUN_OF_M1,
    ),
    ("Webhooks.Webhooks", "GET"): ("/api/v1/webhooks", None, ADMIN),
    ("Webhooks.Webhooks", "POST"): (
        "/api/v1/webhooks",
        lambda w: {"url": "https://hooks.example.com/new", "events": ["user.created"]},
        ADMIN,
    ),
    ("Webhooks.Webhook", "GET"): ("/api/v1/webhooks/{webhook}", None, ADMIN),
    ("Webhooks.Webhook", "DELETE"): ("/api/v1/webhooks/{webhook_del}", None, ADMIN),
    ("Webhooks.Deliveries", "GET"): ("/api/v1/webhooks/{webhook}/deliveries", None, ADMIN),
    ("Webhooks.DeliveryRetry", "POST"): (
        "/api/v1/webhooks/{webhook}/deliveries/{delivery}/retry",
        None,
        ADMIN,
    ),
    # Insights default to the caller's whole reach, so every manage principal may read them
    # (scopes beyond reach: tests/insights/).
    ("Insights.ServiceMix", "GET"): ("/api/v1/insights/service-mix", None, MANAGE),
    ("Insights.Unrecognized", "GET"): ("/api/v1/insights/unrecognized", None, MANAGE),
    ("Insights.Reciprocity", "GET"): ("/api/v1/insights/reciprocity", None, MANAGE),
    ("Insights.ServiceMap", "GET"): ("/api/v1/insights/service-map", None, MANAGE),
    ("Insights.Participation", "GET"): ("/api/v1/insights/participation", None, MANAGE),
    ("Audit.Audit", "GET"): ("/api/v1/audit?person={E1}&action=sign_in", None, ADMIN),
    ("api-docs.openapi_json", "GET"): ("/api/v1/openapi.json", None, PUBLIC),
    ("api-docs.openapi_swagger_ui", "GET"): ("/api/v1/docs", None, PUBLIC),
}

# SCIM (/scim/v2) answers in its own error shape; only a token with the admin scope gets in.
SCIM_USER = "urn:ietf:params:scim:schemas:core:2.0:User"
SCIM = {
    ("scim.provider_config", "GET"): ("/scim/v2/ServiceProviderConfig", None, ADMIN),
    ("scim.list_resource_types", "GET"): ("/scim/v2/ResourceTypes", None, ADMIN),
    ("scim.resource_type", "GET"): ("/scim/v2/ResourceTypes/User", None, ADMIN),
    ("scim.list_schemas", "GET"): ("/scim/v2/Schemas", None, ADMIN),
    ("scim.schema", "GET"): (f"/scim/v2/Schemas/{SCIM_USER}", None, ADMIN),
    ("scim.users", "GET"): ('/scim/v2/Users?filter=userName eq "x@example.com"', None, ADMIN),
    ("scim.create_user", "POST"): (
        "/scim/v2/Users",
        lambda w: {"schemas": [SCIM_USER], "userName": f"scim{serial()}@example.com"},
        ADMIN,
    ),
    ("scim.user", "GET"): ("/scim/v2/Users/{X}", None, ADMIN),
    ("scim.replace_user", "PUT"): (
        "/scim/v2/Users/{X}",
        lambda w: {"schemas": [SCIM_USER], "userName": "x@example.com", "displayName": "Xan"},
        ADMIN,
    ),
    ("scim.patch_user", "PATCH"): (
        "/scim/v2/Users/{X}",
        lambda w: {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "path": "displayName", "value": "Xan Target"}],
        },
        ADMIN,
    ),
    ("scim.delete_user", "DELETE"): ("/scim/v2/Users/{scim_gone}", None, ADMIN),
}

WEB = {
    ("pages.home", "GET"): ("/", LOGGED_IN),
    ("feed.index", "GET"): ("/feed", LOGGED_IN),
    ("give.form", "GET"): ("/give", LOGGED_IN),
    ("give.form", "POST"): ("/give", LOGGED_IN),
    ("people.directory", "GET"): ("/people", LOGGED_IN),
    ("people.person", "GET"): ("/people/{E1}", LOGGED_IN),
    ("leaderboard.index", "GET"): ("/leaderboard", LOGGED_IN),
    ("leaderboard.download", "GET"): ("/leaderboard.csv", LOGGED_IN),
    ("recognition.givers", "GET"): ("/leaderboard/givers", LOGGED_IN),
    ("recognition.givers_csv", "GET"): ("/leaderboard/givers.csv", LOGGED_IN),
    ("recognition.my_payouts", "GET"): ("/payouts", LOGGED_IN),
    ("admin.index", "GET"): ("/admin/", {"A"}),
    ("admin_kinds.index", "GET"): ("/admin/service-kinds/", {"A"}),
    ("admin_kinds.index", "POST"): ("/admin/service-kinds/", {"A"}),
    ("admin_kinds.edit", "GET"): ("/admin/service-kinds/need", {"A"}),
    ("admin_kinds.edit", "POST"): ("/admin/service-kinds/need", {"A"}),
    ("admin_people.index", "GET"): ("/admin/people/", {"A"}),
    ("admin_people.new", "GET"): ("/admin/people/new", {"A"}),
    ("admin_people.new", "POST"): ("/admin/people/new", {"A"}),
    ("admin_people.edit", "GET"): ("/admin/people/{X}", {"A"}),
    ("admin_people.edit", "POST"): ("/admin/people/{X}", {"A"}),
    ("admin_people.set_active", "POST"): ("/admin/people/{X}/active", {"A"}),
    ("admin_people.hr_import", "GET"): ("/admin/people/import", {"A"}),
    ("admin_people.hr_import", "POST"): ("/admin/people/import", {"A"}),
    ("admin_invitations.invite_one", "POST"): ("/admin/people/{X}/invite", {"A"}),
    ("admin_invitations.invite_many", "POST"): ("/admin/people/invite", {"A"}),
    ("admin_sso.unlink", "POST"): ("/admin/people/{X}/unlink-sso", {"A"}),
    ("admin_periods.index", "GET"): ("/admin/periods/", {"A"}),
    ("admin_periods.open_current", "POST"): ("/admin/periods/open", {"A"}),
    ("admin_periods.close", "POST"): ("/admin/periods/close", {"A"}),
    ("award_actions.add_on", "GET"): ("/awards/{award}/add-on", LOGGED_IN),
    ("award_actions.add_on", "POST"): ("/awards/{award}/add-on", LOGGED_IN),
    ("award_actions.withdraw", "POST"): ("/awards/{award4}/withdrawal", {"E2"}),
    ("admin_reversals.form", "GET"): ("/admin/awards/{award}/reverse", {"A"}),
    ("admin_reversals.form", "POST"): ("/admin/awards/{award}/reverse", {"A"}),
    ("admin_settings.allowance", "GET"): ("/admin/settings", {"A"}),
    ("admin_settings.allowance", "POST"): ("/admin/settings", {"A"}),
    ("admin_settings.add_top_up", "POST"): ("/admin/top-ups", {"A"}),
    ("admin_audit.index", "GET"): ("/admin/audit/?person={E1}", {"A"}),
    ("admin_webhooks.index", "GET"): ("/admin/webhooks/", {"A"}),
    ("admin_webhooks.index", "POST"): ("/admin/webhooks/", {"A"}),
    ("admin_webhooks.show", "GET"): ("/admin/webhooks/{webhook}", {"A"}),
    ("admin_webhooks.delete", "POST"): ("/admin/webhooks/{webhook_web}/delete", {"A"}),
    ("admin_webhooks.retry", "POST"): (
        "/admin/webhooks/{webhook}/deliveries/{delivery}/retry",
        {"A"},
    ),
    ("auth.login", "GET"): ("/login", PUBLIC),
    ("auth.login", "POST"): ("/login", PUBLIC),
    # Logging out answers a redirect to the login page either way; it only ends your own
    # sessions, which test_sessions.py checks.
    ("auth.logout", "POST"): ("/logout", PUBLIC),
    ("auth.password", "GET"): ("/account/password", LOGGED_IN),
    ("auth.password", "POST"): ("/account/password", LOGGED_IN),
    ("auth.set_password", "GET"): ("/set-password/not-a-real-token", PUBLIC),
    ("auth.set_password", "POST"): ("/set-password/not-a-real-token", PUBLIC),
    # The same answer for every address (tests/mail/test_invitations.py checks it).
    ("auth.forgot_password", "GET"): ("/forgot-password", PUBLIC),
    ("auth.forgot_password", "POST"): ("/forgot-password", PUBLIC),
    # Single sign-on starts and ends without a session (no provider is configured here: 404);
    # the dance and each forged way back: tests/sso/.
    ("sso.start", "GET"): ("/login/oidc", PUBLIC),
    ("sso.callback", "GET"): ("/login/oidc/callback?code=forged&state=forged", PUBLIC),
    ("tokens.index", "GET"): ("/tokens/", LOGGED_IN),
    ("tokens.create", "POST"): ("/tokens/", LOGGED_IN),
    ("tokens.create_for_service", "POST"): ("/tokens/service", {"A"}),
    ("tokens.revoke", "POST"): ("/tokens/{own_token_E1}/revoke", {"E1"}),
    ("bonus.index", "GET"): ("/bonus/", MANAGERS),
    ("bonus.index", "POST"): ("/bonus/", MANAGERS),
    ("bonus.show", "GET"): ("/bonus/{run}", {"M1", "A"}),
    ("bonus.payroll_csv", "GET"): ("/bonus/{run}/payroll.csv", {"M1", "A"}),
    ("bonus.transition", "POST"): ("/bonus/{run}/commit", {"M1", "A"}),
    ("insights.index", "GET"): ("/insights/", MANAGERS),
    ("insights.service_mix_page", "GET"): ("/insights/service-mix", MANAGERS),
    ("insights.service_mix_csv", "GET"): ("/insights/service-mix.csv", MANAGERS),
    ("insights.unrecognized_page", "GET"): ("/insights/unrecognized", MANAGERS),
    ("insights.unrecognized_csv", "GET"): ("/insights/unrecognized.csv", MANAGERS),
    ("insights.reciprocity_page", "GET"): ("/insights/reciprocity", MANAGERS),
    ("insights.reciprocity_csv", "GET"): ("/insights/reciprocity.csv", MANAGERS),
    ("insights.service_map_page", "GET"): ("/insights/service-map", MANAGERS),
    ("insights.service_map_csv", "GET"): ("/insights/service-map.csv", MANAGERS),
    ("insights.participation_page", "GET"): ("/insights/participation", MANAGERS),
    ("insights.participation_csv", "GET"): ("/insights/participation.csv", MANAGERS),
    ("static", "GET"): ("/static/baton.css", PUBLIC),
    ("notifications.index", "GET"): ("/notifications", LOGGED_IN),
    ("notifications.settings", "GET"): ("/settings/notifications", LOGGED_IN),
    ("notifications.settings", "POST"): ("/settings/notifications", LOGGED_IN),
    ("language.settings", "GET"): ("/settings/language", LOGGED_IN),
    ("language.settings", "POST"): ("/settings/language", LOGGED_IN),
    # A made-up link offer: nobody may claim it (real ones: integrations/test_slack_linking.py).
    ("slack_link.confirm", "GET"): ("/slack/link/not-a-real-offer", set()),
    ("slack_link.confirm", "POST"): ("/slack/link/not-a-real-offer", set()),
    # Slack's own signature is its only credential: a session or CSRF token is not one
    # (signed requests: tests/integrations/test_slack_command.py).
    ("slack.commands", "POST"): ("/integrations/slack/commands", set()),
    # A forged unsubscribe token: nobody may use it (signed ones: tests/mail/test_unsubscribe.py).
    ("unsubscribe.confirm", "GET"): ("/unsubscribe/not-a-real-token", set()),
    ("unsubscribe.confirm", "POST"): ("/unsubscribe/not-a-real-token", set()),
    # Probes for load balancers; /metrics is open in development only (tests/ops checks the
    # token and the production default).
    ("ops.healthz", "GET"): ("/healthz", PUBLIC),
    ("ops.readyz", "GET"): ("/readyz", PUBLIC),
    ("ops.metrics", "GET"): ("/metrics", PUBLIC),
}


@pytest.fixture(scope="module")
def world(sqlite_template):
    url = sqlite_template.new_database()
    app = make_app(url, BATON_SLACK_SIGNING_SECRET="authz-signing-secret")
    with app.app_context():
        built = build_world(app, FreshClient)
        status, body = call_api(built, "tok:M1", "POST", "/api/v1/bonus-runs", bonus_body(built))
        assert status == 201, body
        built.ids["run"] = body["id"]
        built.ids["run_version"] = body["version"]
        built.csrf = {
            name: csrf_of(client) for name, client in built.sessions.items() if name != "anonymous"
        }
        yield built
    sqlite_template.drop(url)


def csrf_of(client) -> str:
    page = client.get("/give").get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def call_api(world, who, method, path, body):
    headers = {"Idempotency-Key": f"authz-{serial()}"}
    if who.startswith("tok:"):
        headers["Authorization"] = f"Bearer {world.tokens[who]}"
        client = world.app.test_client()
    elif who == "cookie:E1":
        client = world.sessions["E1"]
    else:
        client = world.app.test_client()
    response = client.open(path, method=method, json=body, headers=headers)
    return response.status_code, response.get_json(silent=True)


def call_web(world, who, method, path):
    client = world.sessions[who]
    token = world.csrf.get(who)
    data = {"csrf_token": token} if method == "POST" and token else None
    response = client.open(path, method=method, data=data)
    response.close()
    if path == "/logout" and who != "anonymous":
        # Logging out ends every session of that person: log the shared client in again.
        world.sessions[who] = login(world.app, email_of(who))
        world.csrf[who] = csrf_of(world.sessions[who])
    return response


def refused_api(status: int, answer=None) -> bool:
    return status in (401, 403, 404)


def denied_access(status: int, answer) -> bool:
    """A refusal of access itself; a domain rule's `forbidden` (separation of duties) is not."""
    code = (answer or {}).get("error", {}).get("code")
    return status in (401, 404) or (status == 403 and code != "forbidden")


def refused_web(response) -> bool:
    if response.status_code == 302:
        return "/login" in response.headers["Location"]
    return response.status_code in (401, 403, 404)


def order(principals, allowed):
    """Refused principals first, so a success cannot hide a refusal's effect."""
    return sorted(principals, key=lambda who: allowed != PUBLIC and who in allowed)


@pytest.mark.parametrize(("endpoint", "method"), sorted(API))
def test_api_route_allows_exactly_its_principals(world, endpoint, method):
    check_api_route(world, endpoint, method)
    write_figure("authz", part=f"api-{endpoint}-{method}", violations=0, routes=1,
                 requests=len(API_PRINCIPALS))  # fmt: skip


def check_api_route(world, endpoint, method):
    path, body, allowed = API[(endpoint, method)]
    path = path.format(**world.ids)
    for who in order(API_PRINCIPALS, allowed):
        before = world.snapshot()
        status, answer = call_api(world, who, method, path, body(world) if body else None)
        assert status < 500, (who, status, answer)
        if allowed == PUBLIC:
            assert status == 200, (who, status)
        elif who in allowed:
            assert not denied_access(status, answer), (who, status, answer)
        else:
            assert refused_api(status), (who, status, answer)
            assert answer["error"]["code"] in {
                "unauthenticated",
                "token_required",
                "forbidden",
                "scope_missing",
                "not_found",
                "not_the_giver",
            }
            assert world.snapshot() == before, f"{who} changed data on a refused request"


@pytest.mark.parametrize(("endpoint", "method"), sorted(SCIM))
def test_scim_route_allows_exactly_its_principals(world, endpoint, method):
    path, body, allowed = SCIM[(endpoint, method)]
    path = path.format(**world.ids)
    for who in order(API_PRINCIPALS, allowed):
        before = world.snapshot()
        status, answer = call_api(world, who, method, path, body(world) if body else None)
        assert status < 500, (who, status, answer)
        if who in allowed:
            assert status not in (401, 403), (who, status, answer)
        else:
            assert status in (401, 403), (who, status, answer)
            assert answer["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
            assert world.snapshot() == before, f"{who} changed data on a refused request"
    write_figure("authz", part=f"scim-{endpoint}-{method}", violations=0, routes=1,
                 requests=len(API_PRINCIPALS))  # fmt: skip


@pytest.mark.parametrize(("endpoint", "method"), sorted(WEB))
def test_web_route_allows_exactly_its_principals(world, endpoint, method):
    path, allowed = WEB[(endpoint, method)]
    path = path.format(**world.ids)
    for who in order(WEB_PRINCIPALS, allowed):
        before = world.snapshot()
        response = call_web(world, who, method, path)
        assert response.status_code < 500, (who, response.status_code)
        if allowed == PUBLIC:
            continue
        if who in allowed:
            assert not refused_web(response), (who, response.status_code)
        else:
            assert refused_web(response), (who, response.status_code)
            assert world.snapshot() == before, f"{who} changed data on a refused request"
    write_figure("authz", part=f"web-{endpoint}-{method}", violations=0, routes=1,
                 requests=len(WEB_PRINCIPALS))  # fmt: skip


def test_every_route_has_an_entry(world):
    routes = {
        (rule.endpoint, method)
        for rule in world.app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    missing = routes - set(API) - set(WEB) - set(SCIM)
    assert not missing, f"routes without an authorization entry: {sorted(missing)}"
    assert not (set(API) | set(WEB) | set(SCIM)) - routes, "entries for routes that no longer exist"


def test_a_cookie_only_write_to_the_api_is_refused(world):
    before = world.snapshot()
    status, answer = call_api(
        world,
        "cookie:E1",
        "POST",
        "/api/v1/awards",
        {"recipients": [world.ids["E1b"]], "points": 1, "message": MESSAGE, "service_kind": "need"},
    )
    assert (status, answer["error"]["code"]) == (401, "token_required")
    assert world.snapshot() == before


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (
            "/api/v1/awards",
            {
                "recipients": ["{E1b}"],
                "points": 1,
                "message": MESSAGE,
                "service_kind": "need",
                "giver_id": "{E2}",
            },
        ),
        (
            "/api/v1/awards",
            {
                "recipients": ["{E1b}"],
                "points": 1,
                "message": MESSAGE,
                "service_kind": "need",
                "balance": 10_000,
            },
        ),
    ],
)
def test_fields_the_caller_may_not_set_are_refused(world, path, body):
    body = {
        key: (
            [world.ids["E1b"]]
            if key == "recipients"
            else world.ids["E2"]
            if value == "{E2}"
            else value
        )
        for key, value in body.items()
    }
    before = world.snapshot()
    status, answer = call_api(world, "tok:E1", "POST", path, body)
    assert status == 422 and answer["error"]["code"] == "validation_error"
    assert world.snapshot() == before


def test_an_employee_cannot_change_their_own_role(world):
    before = world.snapshot()
    status, _ = call_api(
        world, "tok:E1", "PATCH", f"/api/v1/users/{world.ids['E1']}", {"role": "admin"}
    )
    assert status == 403
    assert world.snapshot() == before


def test_the_matrix_notices_a_route_left_open(world, monkeypatch):
    # Negative control: a view whose guard asks for too little is caught by the same check.
    verify = world.app.view_functions["Ledger.Verify"].view_class
    monkeypatch.setattr(verify.get, "_baton_scope", "read")
    with pytest.raises(AssertionError, match=r"tok:E1|cookie:E1"):
        check_api_route(world, "Ledger.Verify", "GET")
