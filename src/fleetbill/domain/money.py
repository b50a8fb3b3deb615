"""Money: an integer amount in the currency's minor unit, with its ISO 4217 code."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import InvalidInput

# Minor-unit exponents of the currencies fleetbill can bill in. JPY has no minor unit: 1 = 1 yen.
SUPPORTED_CURRENCIES = {"JPY": 0}


def check_currency(code: str) -> str:
    """Return `code` if fleetbill bills in it, else raise a clear error."""
    if code not in SUPPORTED_CURRENCIES:
        raise InvalidInput(f"currency {code!r} is not supported; fleetbill bills in {', '.join(SUPPORTED_CURRENCIES)}")
    return code


@dataclass(frozen=True, slots=True)
class Money:
    amount: int
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, int) or isinstance(self.amount, bool):
            raise TypeError("Money.amount must be an int in minor units")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"cannot mix {self.currency} and {other.currency}")

    def __str__(self) -> str:
        return f"{self.amount:,} {self.currency}"
