from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.price_version_in_prices import PriceVersionInPrices


T = TypeVar("T", bound="PriceVersionIn")


@_attrs_define
class PriceVersionIn:
    """
    Attributes:
        effective_month (str):
        prices (PriceVersionInPrices): device type id -> graduated tiers
        fixed_fee (int | Unset): integer in the currency's minor unit (JPY: yen) Default: 0.
    """

    effective_month: str
    prices: PriceVersionInPrices
    fixed_fee: int | Unset = 0

    def to_dict(self) -> dict[str, Any]:
        effective_month = self.effective_month

        prices = self.prices.to_dict()

        fixed_fee = self.fixed_fee

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "effective_month": effective_month,
                "prices": prices,
            }
        )
        if fixed_fee is not UNSET:
            field_dict["fixed_fee"] = fixed_fee

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.price_version_in_prices import PriceVersionInPrices  # noqa: PLC0415

        d = dict(src_dict)
        effective_month = d.pop("effective_month")

        prices = PriceVersionInPrices.from_dict(d.pop("prices"))

        fixed_fee = d.pop("fixed_fee", UNSET)

        price_version_in = cls(
            effective_month=effective_month,
            prices=prices,
            fixed_fee=fixed_fee,
        )

        return price_version_in
