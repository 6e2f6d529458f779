"""One-click unsubscribe (RFC 8058) from a real mail's header: POST stops it, GET asks."""

import pytest

from ledger.db import db
from ledger.delivery import worker
from ledger.mail.unsubscribe import token_for
from ledger.preferences import settings_for
from tests.factories import NOW, make_award, make_user


def at(moment):
    return lambda: moment


@pytest.fixture
def people(app):
    giver, ann = make_user(name="Kwame"), make_user("ann@example.com", name="Ann")
    ids = giver.id, ann.id
    db.session.remove()
    return ids


def award(giver_id, ann_id):
    from ledger.queries.people import user_by_id

    make_award(user_by_id(giver_id), [user_by_id(ann_id)])


def unsubscribe_path(mail) -> str:
    url = mail.message["List-Unsubscribe"].strip("<>")
    assert url.startswith("https://baton.example.com/unsubscribe/")
    return url.removeprefix("https://baton.example.com")


def test_one_click_post_from_the_header_turns_award_mail_off(smtp, people, client):
    giver_id, ann_id = people
    award(giver_id, ann_id)
    worker.work_once(at(NOW))
    path = unsubscribe_path(smtp.to("ann@example.com")[0])

    # A GET (a link preview, a scanner) only asks; it changes nothing.
    page = client.get(path)
    assert page.status_code == 200 and b"Stop these mails" in page.data
    assert settings_for(ann_id)["award_mail"] is True

    # What a mail client sends for RFC 8058: no session, no CSRF token.
    done = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert settings_for(ann_id) == {
        "award_mail": False,
        "in_app": True,
        "digest": True,
        "webhook_mail": True,
    }

    award(giver_id, ann_id)
    worker.work_once(at(NOW))
    assert len(smtp.to("ann@example.com")) == 1  # the second award mailed no one


def test_a_forged_or_altered_token_changes_nothing(app, people, client):
    _, ann_id = people
    good = token_for(ann_id, "award_mail")
    other = token_for(ann_id + 1, "award_mail")
    altered = other.split(".")[0] + "." + good.split(".")[1]
    for token in ("nonsense", good[:-2] + "xx", altered):
        assert client.post(f"/unsubscribe/{token}").status_code == 404
    assert settings_for(ann_id)["award_mail"] is True
    # The negative control: the untouched token does work.
    assert client.post(f"/unsubscribe/{good}").status_code == 200
    assert settings_for(ann_id)["award_mail"] is False


def test_the_digest_link_stops_only_the_digest(app, people, client):
    _, ann_id = people
    client.post(f"/unsubscribe/{token_for(ann_id, 'digest')}")
    assert settings_for(ann_id) == {
        "award_mail": True,
        "in_app": True,
        "digest": False,
        "webhook_mail": True,
    }
