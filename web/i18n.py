"""Languages: which one a request gets, the catalogues, and dates and numbers by Babel.

A signed-in person's page is in the language they chose (users.language); otherwise, and
for every API answer, in the best of the request's Accept-Language; otherwise in English.
Any Chinese tag (zh, zh-CN, zh-TW, zh-Hans...) gets Simplified Chinese, the only Chinese.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from flask import Flask, current_app, has_request_context, request
from flask_babel import Babel, format_decimal, get_locale, gettext, refresh
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.datastructures import LanguageAccept

from ledger.bonus.money import decimals
from ledger.i18n import DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES, translated
from ops.edge import is_api_request

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
# The primary subtag of an Accept-Language entry -> the language Baton answers in.
BY_PRIMARY_TAG = {language.split("_")[0].lower(): language for language in LANGUAGES}
# How pages name the directory's codes (users.role, users.kind).
ROLE_NAMES = {"employee": _l("Employee"), "manager": _l("Manager"), "admin": _l("Admin")}
KIND_NAMES = {"person": _l("person"), "bot": _l("bot"), "service": _l("service account")}
# How pages name a bonus run's status.
RUN_STATUSES = {
    "draft": _l("draft"),
    "committed": _l("committed"),
    "paid": _l("paid"),
    "voided": _l("voided"),
}
# How the HR import names what it did with each row.
IMPORT_STATUSES = {
    "created": _l("created"),
    "updated": _l("updated"),
    "unchanged": _l("unchanged"),
    "error": _l("error"),
    "pending": _l("pending"),
}


def init_app(app: Flask) -> None:
    """Choose each request's locale, load the catalogues, give templates the formatters."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    Babel(app, locale_selector=select_locale)
    # Flask-Babel keeps the chosen locale on `g`; an app context that outlives one request
    # (a test's, a CLI's) must not hand one request's language to the next.
    app.before_request(refresh)
    # A {% trans %} block's line breaks and indents are not part of its message id.
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.globals.update(
        html_lang=html_lang,
        LANGUAGE_NAMES=LANGUAGE_NAMES,
        ROLE_NAMES=ROLE_NAMES,
        KIND_NAMES=KIND_NAMES,
        IMPORT_STATUSES=IMPORT_STATUSES,
        RUN_STATUSES=RUN_STATUSES,
    )
    app.jinja_env.filters.update(
        when=when,
        window=window,
        day_month=day_month,
        number=number,
        money=money,
        translated=translated,
    )


def browser_language(accepted: LanguageAccept | None = None) -> str:
    """Return the language Baton speaks that the request's Accept-Language prefers most."""
    if accepted is None:
        accepted = request.accept_languages if has_request_context() else LanguageAccept()
    for tag, quality in accepted:
        if quality > 0:
            language = BY_PRIMARY_TAG.get(tag.replace("_", "-").split("-")[0].lower())
            if language:
                return language
    return DEFAULT_LANGUAGE


def select_locale() -> str:
    """Return the locale of this request: the person's choice, else the browser's."""
    if not has_request_context():
        return DEFAULT_LANGUAGE  # a mail or a CLI line says in_language() itself
    if not is_api_request():
        chosen = getattr(current_user, "language", None)
        if chosen in LANGUAGES:
            return chosen
    return browser_language()


def html_lang() -> str:
    """Return the current locale as an HTML lang value (BCP 47: `en`, `zh-Hans`)."""
    return str(get_locale() or DEFAULT_LANGUAGE).replace("_", "-")


def when(value: str | datetime | None) -> str:
    """Show a moment in the company's time zone, e.g. `16 Nov 2026, 12:00`."""
    if value is None:
        return ""
    # Translators: a CLDR date pattern (d day, MMM month name, y year, HH:mm time).
    return _local_format(value, gettext("d MMM y, HH:mm"))


def window(since: str | datetime, until: str | datetime) -> str:
    """State a window as its first and last days, both included: `1 Oct 2026 to 31 Oct 2026`."""
    end = datetime.fromisoformat(until) if isinstance(until, str) else until
    # The stored end is the midnight after the last day, so the last day is the one before.
    last = end - timedelta(microseconds=1)
    # Translators: a CLDR date pattern for one day (d day, MMM month name, y year).
    pattern = gettext("d MMM y")
    return gettext(
        "%(first)s to %(last)s (both days included)",
        first=_local_format(since, pattern),
        last=_local_format(last, pattern),
    )


def day_month(value: date) -> str:
    """Show a calendar day without its year, e.g. `30 Nov`."""
    # Translators: a CLDR date pattern for a day and month (d day, MMM month name).
    return format_date(value, gettext("d MMM"), locale=get_locale() or DEFAULT_LANGUAGE)


def money(cents: int, currency: str) -> str:
    """Show minor units as the reader writes the amount, after its ISO code: `EUR 1,234.50`."""
    places = decimals(currency)
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return f"{currency} {format_decimal(Decimal(cents).scaleb(-places), pattern)}"


def number(value: int | float | None) -> str:
    """Format a number the reader's way (thousands separators), or nothing for None."""
    return "" if value is None else format_decimal(value)


def _local_format(value: str | datetime, pattern: str) -> str:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    local = moment.astimezone(ZoneInfo(current_app.config["BATON_TIMEZONE"]))
    return format_datetime(local, pattern, locale=get_locale() or DEFAULT_LANGUAGE)
