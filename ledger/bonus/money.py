"""Money as integer minor units and an ISO 4217 code; rendered in major units without floats."""

from __future__ import annotations

from ledger.errors import ValidationFailed
from ledger.i18n import Phrase

# Active ISO 4217 codes; every one uses two decimals unless listed in DECIMALS.
_CODES = """
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN
BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD
FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY
KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP
MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR
RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT
TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR
ZMW ZWG
"""
ISO_4217 = frozenset(_CODES.split())
_NO_DECIMALS = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF"
_THREE_DECIMALS = "BHD IQD JOD KWD LYD OMR TND"
DECIMALS = {
    **dict.fromkeys(_NO_DECIMALS.split(), 0),
    **dict.fromkeys(_THREE_DECIMALS.split(), 3),
}


def check_currency(code: str) -> str:
    """Return the currency code if it is an active ISO 4217 code, else refuse it."""
    if not isinstance(code, str) or code not in ISO_4217:
        raise ValidationFailed(
            Phrase(
                "{code} is not an ISO 4217 currency code (e.g. EUR, USD, JPY).", code=repr(code)
            ),
            field="currency",
        )
    return code


def decimals(currency: str) -> int:
    return DECIMALS.get(currency, 2)


def major_units(cents: int, currency: str) -> str:
    """Render minor units in major units with the currency's decimals: 123456 EUR is 1234.56."""
    places = decimals(currency)
    sign = "-" if cents < 0 else ""
    whole, fraction = divmod(abs(cents), 10**places)
    return f"{sign}{whole}.{fraction:0{places}d}" if places else f"{sign}{whole}"


def minor_units(text: str, currency: str, *, field: str) -> int:
    """Parse an amount typed in major units (`12.50`) into minor units, exactly."""
    places = decimals(currency)
    cleaned = (text or "").strip().replace(",", "")
    whole, dot, fraction = cleaned.partition(".")
    if not whole.isdigit() or (dot and not fraction.isdigit()) or len(fraction) > places:
        raise ValidationFailed(
            Phrase(
                "Enter an amount like {major_units} ({currency} has {places} decimals).",
                major_units=major_units(1250 * 10 ** max(places - 2, 0), currency),
                currency=currency,
                places=places,
            ),
            field=field,
        )
    return int(whole) * 10**places + int(fraction.ljust(places, "0") or 0)
