"""A Chinese-speaking person meets no English on the pages converted so far."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from ledger.clock import utcnow
from ledger.preferences import change_language
from tests.factories import ADMIN_ACTOR

# Words that stay as they are in Chinese: names of products and standards.
# Words that stay as they are in Chinese: names of products, standards and protocols, codes
# given as examples, and "English" (the language named in itself, so anyone can choose it).
SAME_IN_CHINESE = {"Baton", "Slack", "API", "Webhook", "Webhooks", "Bearer", "Authorization",
                   "CSV", "JSON", "HR", "HTTP", "UTC", "ISO", "POST", "Standard", "https",
                   "customer-first", "baton", "min", "English"}  # fmt: skip
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]{2,}")
# Pages converted so far, by who sees them (a page added here must show no English). The audit
# trail is left out: it names actions by their codes (sign_in, create_token), as docs/audit.md.
PAGES = {
    "ana": ["/", "/notifications", "/settings/notifications", "/settings/language", "/tokens/",
            "/account/password", "/no-such-page", "/people", "/people?q=无此人",
            "/people/{ana}", "/people/{ben}", "/payouts", "/leaderboard", "/leaderboard/givers",
            "/leaderboard?period=custom", "/leaderboard?period=custom&since=2026-11-01&until=x",
            "/feed", "/feed?kind=handoff", "/give", "/give?q=无此人"],
    "lead": ["/leaderboard?scope=team:{lead}", "/people/{ana}", "/insights/",
             "/insights/service-mix", "/insights/service-map", "/insights/unrecognized",
             "/insights/reciprocity", "/insights/participation", "/bonus/"],
    "admin": ["/tokens/", "/admin/", "/admin/people/", "/admin/people/new",
              "/admin/people/{ben}", "/admin/people/import", "/admin/settings",
              "/admin/service-kinds/", "/admin/service-kinds/need",
              "/admin/periods/", "/admin/webhooks/", "/admin/people/?q=无此人"],
    None: ["/login", "/forgot-password", "/set-password/not-a-token"],
}  # fmt: skip


class _Text(HTMLParser):
    """Collect what a page shows: text and the attributes people read or hear."""

    SHOWN = ("title", "placeholder", "aria-label", "alt")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in {"script", "style", "code", "textarea"}
        self.parts += [value for name, value in attrs if name in self.SHOWN and value]

    def handle_endtag(self, tag):
        self.skip -= tag in {"script", "style", "code", "textarea"} and self.skip > 0

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def english_words(html: str, data: list[str]) -> list[str]:
    """Return the English words a page shows, leaving out people's own data."""
    parser = _Text()
    parser.feed(html)
    text = " ".join(parser.parts)
    for value in sorted(data, key=len, reverse=True):
        text = text.replace(value, " ")
    return [word for word in WORD.findall(text) if word not in SAME_IN_CHINESE]


def org_data(org) -> list[str]:
    people = list(org.values())
    names = [part for p in people for part in (p.name, *p.name.split())]
    return [
        *names,
        *(p.email for p in people),
        *(p.department.name for p in people if p.department),
    ]


@pytest.mark.parametrize(
    ("who", "path"), [(who, path) for who, paths in PAGES.items() for path in paths]
)
def test_a_chinese_speaker_meets_no_english_on_a_converted_page(browser, org, who, path):
    if who is not None:
        change_language(org[who].id, "zh_Hans", now=utcnow(), actor=ADMIN_ACTOR)
        assert browser.login(org[who].email).status_code == 302
    headers = {} if who else {"Accept-Language": "zh-CN,zh;q=0.9"}
    response = browser.get(path.format(**{name: person.id for name, person in org.items()}),
                           headers=headers)  # fmt: skip
    assert response.status_code in {200, 404, 422}, (path, response.status_code)
    html = response.get_data(as_text=True)
    assert 'lang="zh-Hans"' in html
    assert english_words(html, org_data(org)) == []


def test_a_chinese_speaker_reads_an_award_card_in_chinese(browser, org):
    from tests.web.conftest import give

    give(
        org["lead"], [org["ana"], org["ben"]], points=5, message="谢谢你们及时又清楚的交接说明文档"
    )
    change_language(org["ana"].id, "zh_Hans", now=utcnow(), actor=ADMIN_ACTOR)
    assert browser.login(org["ana"].email).status_code == 302
    for path in (f"/people/{org['ana'].id}", "/feed", "/"):
        html = browser.get(path).get_data(as_text=True)
        assert "感谢了" in html and "每人 5 积分" in html, path
        assert english_words(html, org_data(org)) == [], path


def test_the_english_check_notices_an_english_sentence():
    # Negative control: the same check finds English left on a page.
    html = "<main><p>积分</p><p title='Give points'>Ana Alvarez</p><code>/baton help</code></main>"
    assert english_words(html, ["Ana Alvarez"]) == ["Give", "points"]
