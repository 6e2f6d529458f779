"""Mail in the recipient's chosen language: subject, body, footer; English for the rest."""

from ledger.delivery import worker
from ledger.mail import send_invitation
from ledger.messages import say
from ledger.operations import Actor
from ledger.preferences import change_language
from tests.factories import NOW
from tests.mail.test_award_mail import at, give, people  # noqa: F401  (the fixture)


def test_an_award_mail_comes_in_the_language_its_recipient_chose(smtp, people):  # noqa: F811
    kwame, ann, bob = people
    change_language(ann.id, "zh_Hans", now=NOW, actor=Actor(ann.id))
    give(kwame, [ann, bob], message="Thanks for the clean hand-off")
    worker.work_once(at(NOW))

    chinese = smtp.to("ann@example.com")[0].message
    assert chinese["Subject"] == "Kwame 感谢了你（+10 积分）"  # no English "for ..." clause
    text = chinese.get_body(("plain",)).get_content()
    html = chinese.get_body(("html",)).get_content()
    assert "Kwame 送给你 10 积分（交接顺畅）。" in text and "对方的留言：" in text
    assert "Thanks for the clean hand-off" in text  # the giver's own words stay as written
    assert "停止接收这些邮件" in text and "你收到此邮件，是因为有人在 Baton 中给了你积分。" in text
    assert '<html lang="zh-Hans">' in html and "在 Baton 中查看" in html
    assert "gave you" not in text and "Stop these mails" not in html

    english = smtp.to("bob@example.com")[0].message
    assert english["Subject"] == "Kwame thanked you for the clean hand-off (+10)"
    assert (
        "Kwame gave you 10 points (Clean hand-off)." in english.get_body(("plain",)).get_content()
    )


def test_an_invitation_is_in_the_language_chosen_for_the_person(smtp, people):  # noqa: F811
    _, ann, _ = people
    change_language(ann.id, "zh_Hans", now=NOW, actor=Actor(ann.id))
    send_invitation(ann, "https://baton.example.com/set-password/abc")
    worker.work_once(at(NOW))
    mail = smtp.to("ann@example.com")[0].message
    assert mail["Subject"] == "邀请你加入 Baton"
    assert "Ann，你好！你已拥有 Baton 账户。" in mail.get_body(("plain",)).get_content()


def test_say_without_a_language_speaks_english_outside_a_request(app):
    assert say("digest.points", points=5) == "5 points"
    assert say("digest.points", "zh_Hans", points=5) == "5 积分"
    assert say("digest.points", "xx", points=5) == "5 points"  # an unknown language: English
