"""Password-reset requests are rate limited per address and per client, known or not."""

from tests.web.test_access_rate_limits import limited  # noqa: F401  (the fixture)
from tests.web.test_sessions import csrf_token


def ask(client, email, forwarded=None):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    form = {"email": email, "csrf_token": csrf_token(client, "/forgot-password")}
    return client.post("/forgot-password", data=form, headers=headers)


def test_the_fourth_request_for_one_address_answers_429_known_or_not(limited):  # noqa: F811
    app = limited()
    for address in ("ann@example.com", "nobody@example.com"):
        client = app.test_client()
        assert [ask(client, address).status_code for _ in range(3)] == [302, 302, 302]
        answer = ask(client, address)
        assert answer.status_code == 429 and "Retry-After" in answer.headers


def test_a_forged_forwarded_for_does_not_reset_the_address_counter(limited):  # noqa: F811
    app = limited(BATON_RESET_RATE_LIMIT_ACCOUNT="100 per hour")
    client = app.test_client()
    codes = [ask(client, f"p{n}@example.com", forwarded=f"10.0.0.{n}").status_code
             for n in range(21)]  # fmt: skip
    assert codes[:20] == [302] * 20 and codes[20] == 429
