"""The web import page refuses a malformed CSV as a whole, naming the line."""

from __future__ import annotations

from io import BytesIO

from sqlalchemy import func, select

from ledger.db import db
from ledger.models import User
from tests.ledger.test_import_csv_strict import UNTERMINATED


def test_the_import_page_refuses_an_unterminated_quote(as_user, org):
    browser = as_user("admin")
    before = db.session.scalar(select(func.count()).select_from(User))
    form = {"file": (BytesIO(UNTERMINATED), "people.csv", "text/csv")}
    page = browser.post("/admin/people/import", form, content_type="multipart/form-data")
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and "Nothing was written" in html
    assert "never closed" in html
    assert db.session.scalar(select(func.count()).select_from(User)) == before
