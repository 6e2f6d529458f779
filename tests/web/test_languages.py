"""Pages in the reader's language: their choice, else their browser's, else English."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from ledger.db import db
from ledger.errors import ValidationFailed
from ledger.models import AuditEvent, User
from ledger.preferences import change_language
from tests.factories import ADMIN_ACTOR, NOW, make_user
from tests.web.conftest import PASSWORD, Browser

CHINESE = {"Accept-Language": "zh-CN,zh;q=0.9"}
ENGLISH = {"Accept-Language": "en-US,en;q=0.8"}


def page(browser, path, headers=None) -> str:
    response = browser.get(path, headers=headers or {})
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def checked_language(html: str) -> str | None:
    """Return the value of the language radio button the page has checked."""
    for attributes in re.findall(r'<input ([^>]*name="language"[^>]*)>', html):
        if re.search(r"\bchecked\b", attributes):
            return re.search(r'value="([^"]*)"', attributes).group(1)
    return None


def language_of(user_id: int) -> str | None:
    return db.session.scalar(select(User.language).where(User.id == user_id))


def test_a_chinese_browser_gets_chinese_pages_and_an_english_one_english(as_user):
    browser = as_user("ana")
    chinese = page(browser, "/settings/language", CHINESE)
    assert '<html lang="zh-Hans"' in chinese
    assert "赠送积分" in chinese and "退出登录" in chinese and "跟随浏览器的语言设置" in chinese
    assert "Give points" not in chinese and "Log out" not in chinese
    english = page(browser, "/settings/language", ENGLISH)
    assert '<html lang="en"' in english and "Give points" in english and "赠送积分" not in english


def test_without_accept_language_pages_are_in_english(as_user):
    assert "Give points" in page(as_user("ana"), "/settings/language")


def test_a_chosen_language_wins_over_the_browser_until_it_is_cleared(as_user, org):
    browser = as_user("ana")
    saved = browser.post("/settings/language", {"language": "zh_Hans"}, headers=ENGLISH)
    assert saved.status_code == 302
    assert language_of(org["ana"].id) == "zh_Hans"
    after = page(browser, "/settings/language", ENGLISH)
    assert "语言设置已保存。" in after  # said in the language just chosen
    assert "赠送积分" in after and checked_language(after) == "zh_Hans"
    assert browser.post("/settings/language", {"language": ""}).status_code == 302
    assert language_of(org["ana"].id) is None
    cleared = page(browser, "/settings/language", ENGLISH)
    assert "Give points" in cleared and checked_language(cleared) == ""
    assert "赠送积分" in page(browser, "/settings/language", CHINESE)


def test_an_unknown_language_is_refused_and_nothing_changes(as_user, org):
    browser = as_user("ana")
    refused = browser.post("/settings/language", {"language": "fr"}, headers=CHINESE)
    assert refused.status_code == 422
    assert language_of(org["ana"].id) is None
    assert "不是有效的选择。" in refused.get_data(as_text=True)  # WTForms' own, translated


def test_the_login_page_and_error_pages_follow_the_browser(client, org):
    browser = Browser(client)
    assert '<html lang="zh-Hans"' in page(browser, "/login", CHINESE)
    browser.login(org["ana"].email, PASSWORD)
    missing = browser.get("/no-such-page", headers=CHINESE)
    assert missing.status_code == 404
    body = missing.get_data(as_text=True)
    assert "未找到" in body and "返回首页" in body and "Not Found" not in body


def test_a_ledger_refusal_on_a_page_is_in_the_readers_language(app, org):
    from ledger.errors import SelfAward
    from web.errors import html_ledger_error

    with app.test_request_context("/give", headers=CHINESE):
        body, status = html_ledger_error(SelfAward())
    assert status == 422 and "你不能给自己赠送积分。" in body and "操作未成功" in body


def test_the_unavailable_page_uses_the_browser_and_never_the_database(app):
    from web.errors import unavailable_page

    with app.test_request_context("/give", headers=CHINESE):
        body, status, _ = unavailable_page()
    assert status == 503 and "Baton 暂时无法使用" in body and 'lang="zh-Hans"' in body


@pytest.mark.parametrize(
    ("headers", "moment", "window", "number"),
    [
        (ENGLISH, "16 Nov 2026, 12:00", "1 Oct 2026 to 31 Oct 2026 (both days included)", "12,345"),
        (
            CHINESE,
            "2026年11月16日 12:00",
            "2026年10月1日 至 2026年10月31日（含首尾两天）",
            "12,345",
        ),
    ],
)
def test_dates_and_numbers_are_formatted_by_babel_for_the_reader(
    app, headers, moment, window, number
):
    filters = app.jinja_env.filters
    with app.test_request_context("/", headers=headers):
        assert filters["when"](datetime(2026, 11, 16, 12, 0, tzinfo=UTC)) == moment
        assert filters["when"]("2026-11-16T12:00:00+00:00") == moment
        assert filters["window"]("2026-10-01T00:00:00+00:00", "2026-11-01T00:00:00+00:00") == window
        assert filters["number"](12345) == number


def test_a_language_change_is_one_audited_operation(engine_app):
    person = make_user("lin@example.com", name="Lin")
    result = change_language(person.id, "zh_Hans", now=NOW, actor=ADMIN_ACTOR)
    assert result.document == {"language": "zh_Hans"}
    db.session.rollback()
    assert language_of(person.id) == "zh_Hans"
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_id == str(person.id))
    )
    assert "change_language" in list(actions)


def test_an_unknown_language_is_refused_by_the_service_and_the_database(engine_app):
    person = make_user("lin@example.com", name="Lin")
    with pytest.raises(ValidationFailed) as refused:
        change_language(person.id, "fr", now=NOW, actor=ADMIN_ACTOR)
    assert refused.value.details == {"field": "language"}
    assert language_of(person.id) is None
    with pytest.raises(IntegrityError):
        db.session.execute(
            text("UPDATE users SET language = 'fr' WHERE id = :id"), {"id": person.id}
        )
        db.session.flush()
    db.session.rollback()
    assert language_of(person.id) is None
