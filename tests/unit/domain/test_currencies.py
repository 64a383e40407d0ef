"""Our ISO 4217 minor-unit table, checked against Babel's CLDR currency data."""

from __future__ import annotations

from babel.numbers import get_currency_precision, list_currencies

from amzpay.domain.currencies import MINOR_UNIT_EXPONENTS

# Where CLDR's display precision departs from ISO 4217's minor unit. CLDR rounds these to
# whole units for display (their minor units are not used in cash); ISO 4217, which payment
# networks exchange amounts in, defines the exponent below.
ISO_DEPARTS_FROM_CLDR = {
    "AFN": 2, "ALL": 2, "COP": 2, "HUF": 2, "IDR": 2, "IQD": 3, "IRR": 2, "KPW": 2,
    "LAK": 2, "LBP": 2, "MGA": 2, "MMK": 2, "SOS": 2, "SYP": 2, "YER": 2,
}  # fmt: skip


def test_every_currency_agrees_with_cldr_or_is_a_listed_iso_departure():
    known = set(list_currencies())
    disagreements = {
        code: exponent
        for code, exponent in MINOR_UNIT_EXPONENTS.items()
        if code in known and get_currency_precision(code) != exponent
    }

    assert disagreements == ISO_DEPARTS_FROM_CLDR


def test_the_departures_are_currencies_of_the_table():
    for code, exponent in ISO_DEPARTS_FROM_CLDR.items():
        assert MINOR_UNIT_EXPONENTS[code] == exponent


def test_every_code_is_one_cldr_knows_except_the_newest():
    # ISO 4217 amendments of 2024-2025 (Zimbabwe Gold, Caribbean guilder) may postdate CLDR.
    unknown = set(MINOR_UNIT_EXPONENTS) - set(list_currencies())

    assert unknown <= {"ZWG", "XCG", "VED"}


def test_the_amazon_pay_currencies_have_their_well_known_exponents():
    amazon = {"USD": 2, "EUR": 2, "GBP": 2, "JPY": 0, "AUD": 2, "CHF": 2, "DKK": 2, "HKD": 2,
              "NOK": 2, "NZD": 2, "SEK": 2, "ZAR": 2}  # fmt: skip

    assert {code: MINOR_UNIT_EXPONENTS[code] for code in amazon} == amazon
    assert (MINOR_UNIT_EXPONENTS["KWD"], MINOR_UNIT_EXPONENTS["CLF"]) == (3, 4)


def test_the_table_covers_every_current_cldr_currency_with_a_region():
    # CLDR also lists withdrawn currencies; the ones still issued somewhere are those a
    # territory uses today. Funds and precious metals (XAU...) have no minor unit in ISO.
    from babel.core import get_global
    from babel.numbers import get_territory_currencies

    in_use: set[str] = set()
    for territory in get_global("territory_currencies"):
        in_use.update(get_territory_currencies(territory, tender=True))
    missing = sorted(in_use - set(MINOR_UNIT_EXPONENTS))

    assert missing == []
