"""ISO 4217: the active currencies and the exponent of their minor unit.

The table is ISO 4217's list one (current funds and currencies), minor unit column, without
the entries that have none (precious metals, SDR, test and "no currency" codes). Babel's CLDR
data is the reference it is tested against (tests/unit/test_currencies.py); where CLDR
deliberately departs from ISO (it rounds e.g. COP, HUF and IDR to whole units for display) the
test lists the difference, and ISO's exponent wins here because it is what payment networks,
Amazon included, exchange amounts in.

Imports nothing but the standard library.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

_ZERO = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"
_THREE = "BHD IQD JOD KWD LYD OMR TND"
_FOUR = "CLF UYW"
_TWO = (
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP "
    "BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD "
    "FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD "
    "KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD "
    "NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP "
    "SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED "
    "VES WST XCD XCG YER ZAR ZMW ZWG"
)


def _table() -> dict[str, int]:
    table: dict[str, int] = {}
    for exponent, codes in ((0, _ZERO), (2, _TWO), (3, _THREE), (4, _FOUR)):
        for code in codes.split():
            table[code] = exponent
    return table


MINOR_UNIT_EXPONENTS: Mapping[str, int] = MappingProxyType(_table())
"""ISO 4217 code -> number of decimal places of the minor unit (EUR 2, JPY 0, KWD 3)."""
