"""An award card says whose direction each badge is, why it was reversed, and which bot gave it.

Each failed before issue 15 items 3 and 7: the badges of an award to several people stood
apart from their names, nobody but the reversing admin saw the reason, and an award a
service account gave on someone's behalf looked like the person's own.
"""

from __future__ import annotations

import re

from ledger.operations import Actor
from ledger.services import award_points, reverse_award
from tests.factories import ADMIN_ACTOR, NOW, make_user
from tests.web.conftest import give


def card(html: str, award_id: int) -> str:
    match = re.search(rf'<article[^>]*id="award-{award_id}".*?</article>', html, re.S)
    assert match, f"no card for award {award_id}"
    return match.group(0)


def test_each_recipient_carries_their_own_direction_badge(as_user, org):
    # The lead's boss is served up, a report is served down: two recipients, two directions.
    award = give(org["lead"], [org["boss"], org["ana"]])
    html = card(as_user("sam").html("/feed"), award["id"])
    boss = re.search(r"Bea Boss</strong></a>\s*<span class=\"badge badge-(\w+)\"", html)
    ana = re.search(r"Ana Alvarez</strong></a>\s*<span class=\"badge badge-(\w+)\"", html)
    assert boss and ana, html
    assert (boss.group(1), ana.group(1)) == ("down", "up")
    assert "Bea Boss: " in html and "Ana Alvarez: " in html  # read out with the badge


def test_a_single_recipient_keeps_one_badge(as_user, org):
    award = give(org["ana"], [org["ben"]])
    html = card(as_user("sam").html("/feed"), award["id"])
    assert html.count('class="badge badge-') == 1


def test_everyone_sees_why_an_award_was_reversed(as_user, org):
    award = give(org["ana"], [org["ben"]])
    reverse_award(award["id"], reason="Given to the wrong Ben", now=NOW, actor=ADMIN_ACTOR)
    html = card(as_user("sam").html("/feed"), award["id"])
    assert "reversed" in html and "Given to the wrong Ben" in html


def test_an_award_given_through_a_service_account_says_via_the_bot(as_user, org):
    bot = make_user("chatbot@example.com", name="Chat bot", kind="service", password=None)
    relayed = award_points(
        giver=org["ana"].id,
        recipients=[org["ben"].id],
        points=5,
        message="Thanks for covering my on-call shift.",
        service_kind="need",
        now=NOW,
        actor=Actor(bot.id, on_behalf_of_id=org["ana"].id),
    ).document
    own = give(org["ana"], [org["sam"]])
    page = as_user("sam").html("/feed")
    assert "via Chat bot" in card(page, relayed["id"])
    assert "via" not in card(page, own["id"])  # the control: the person's own award


def test_every_page_with_award_cards_says_why_and_via(as_user, org):
    # The person page, the home page and the admin's reverse page show the same card as the
    # feed: the admin page read the award without its reason before issue 15 item 7.
    bot = make_user("chatbot@example.com", name="Chat bot", kind="service", password=None)
    relayed = award_points(
        giver=org["ana"].id,
        recipients=[org["ben"].id],
        points=5,
        message="Thanks for covering my on-call shift.",
        service_kind="need",
        now=NOW,
        actor=Actor(bot.id, on_behalf_of_id=org["ana"].id),
    ).document
    reverse_award(relayed["id"], reason="Sent by the bot twice", now=NOW, actor=ADMIN_ACTOR)
    admin = as_user("admin")
    pages = [
        admin.html(f"/people/{org['ben'].id}"),
        admin.html("/"),
        admin.html(f"/admin/awards/{relayed['id']}/reverse"),
    ]
    for page in pages:
        shown = card(page, relayed["id"])
        assert "via Chat bot" in shown and "Sent by the bot twice" in shown
