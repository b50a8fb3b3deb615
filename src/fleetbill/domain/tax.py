"""Tax: dated rates per country/region, once per invoice per rate (R12), locked per period (R13)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from enum import StrEnum

import pycountry

from .errors import InvalidInput


class TaxStatus(StrEnum):
    TAXABLE = "taxable"
    EXEMPT = "exempt"
    REVERSE_CHARGE = "reverse_charge"


class TaxRounding(StrEnum):
    DOWN = "down"  # the default: Japan's Qualified Invoice System practice (R12)
    HALF_UP = "half_up"
    UP = "up"


_ROUNDING = {TaxRounding.DOWN: ROUND_FLOOR, TaxRounding.HALF_UP: ROUND_HALF_UP, TaxRounding.UP: ROUND_CEILING}

NO_TAX_NOTES = {
    TaxStatus.EXEMPT: "Tax exempt: no consumption tax is charged.",
    TaxStatus.REVERSE_CHARGE: "Reverse charge: the recipient accounts for the tax.",
}


@dataclass(frozen=True, slots=True)
class TaxRate:
    """A rate in force for a country (and optional ISO 3166-2 subdivision) from `valid_from`."""

    country: str
    subdivision: str | None
    rate: Decimal  # 0.10 for 10%
    valid_from: datetime


@dataclass(frozen=True, slots=True)
class TaxAmount:
    """Tax for one rate on one invoice: computed once on the sum of that rate's lines (R12)."""

    rate: Decimal
    taxable_amount: int
    tax: int


_COUNTRY = re.compile(r"^[A-Z]{2}$")
_SUBDIVISION = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")
_REGISTRATION = re.compile(r"^T\d{13}$")


def check_region(country: str, subdivision: str | None) -> tuple[str, str | None]:
    """Validate an ISO 3166-1 alpha-2 country and an optional ISO 3166-2 subdivision of it."""
    # pycountry is the ISO 3166 data as a package: a lookup, no I/O beyond its own files.
    if not _COUNTRY.match(country or "") or pycountry.countries.get(alpha_2=country) is None:
        raise InvalidInput(f"country must be an ISO 3166-1 alpha-2 code such as 'JP', not {country!r}")
    if subdivision is not None:
        known = _SUBDIVISION.match(subdivision) and pycountry.subdivisions.get(code=subdivision)
        if not known or not subdivision.startswith(country + "-"):
            raise InvalidInput(
                f"subdivision must be an ISO 3166-2 code of {country} such as 'JP-13' (Tokyo), not {subdivision!r}"
            )
    return country, subdivision


def check_rate(rate: Decimal) -> Decimal:
    if not (Decimal(0) <= rate < Decimal(1)):
        raise InvalidInput(f"a tax rate is a fraction from 0 up to 1 (0.10 for 10%), not {rate}")
    if (rate * 1_000_000) % 1:
        # Stored in millionths: a finer rate would be cut silently.
        raise InvalidInput(f"a tax rate has at most 6 decimals (0.0001%), not {rate}")
    return rate


def check_registration_number(number: str) -> str:
    """R14: a Japanese qualified-invoice issuer number is 'T' and 13 digits with a valid check digit.

    The 13 digits are a corporate number: its first digit is a check digit over the other 12
    (National Tax Agency: 9 - (sum of the 12 digits weighted 1,2,1,2... from the right) mod 9).
    """
    if not _REGISTRATION.match(number or ""):
        raise InvalidInput(f"a registration number is 'T' followed by 13 digits, not {number!r}")
    digits = number[1:]
    body = digits[1:]
    weighted = sum(int(d) * (1 if i % 2 == 0 else 2) for i, d in enumerate(reversed(body)))
    expected = 9 - weighted % 9
    if int(digits[0]) != expected:
        raise InvalidInput(f"registration number {number} fails its check digit (expected {expected})")
    return number


def rate_in_force(rates: Iterable[TaxRate], country: str, subdivision: str | None, at: datetime) -> TaxRate | None:
    """The rate in force at `at`: the subdivision's own rate if it has one, else the country's."""
    best: dict[bool, TaxRate] = {}
    for r in rates:
        if r.country != country or r.valid_from > at:
            continue
        if r.subdivision is not None and r.subdivision != subdivision:
            continue
        specific = r.subdivision is not None
        if specific not in best or r.valid_from > best[specific].valid_from:
            best[specific] = r
    return best.get(True) or best.get(False)


def tax_per_rate(
    amounts_by_rate: Mapping[Decimal, int], rounding: TaxRounding = TaxRounding.DOWN
) -> tuple[TaxAmount, ...]:
    """R12: one tax figure per rate, on the sum of the lines at that rate, rounded once."""
    out = []
    for rate in sorted(amounts_by_rate):
        base = amounts_by_rate[rate]
        tax = int((Decimal(base) * rate).to_integral_value(rounding=_ROUNDING[TaxRounding(rounding)]))
        out.append(TaxAmount(rate, base, tax))
    return tuple(out)
