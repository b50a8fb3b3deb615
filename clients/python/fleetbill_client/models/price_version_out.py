from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.price_version_out_prices import PriceVersionOutPrices


T = TypeVar("T", bound="PriceVersionOut")


@_attrs_define
class PriceVersionOut:
    """
    Attributes:
        effective_month (str):
        announced_at (datetime.datetime):
        fixed_fee (int):
        prices (PriceVersionOutPrices):
    """

    effective_month: str
    announced_at: datetime.datetime
    fixed_fee: int
    prices: PriceVersionOutPrices
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        effective_month = self.effective_month

        announced_at = self.announced_at.isoformat()

        fixed_fee = self.fixed_fee

        prices = self.prices.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "effective_month": effective_month,
                "announced_at": announced_at,
                "fixed_fee": fixed_fee,
                "prices": prices,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.price_version_out_prices import PriceVersionOutPrices  # noqa: PLC0415

        d = dict(src_dict)
        effective_month = d.pop("effective_month")

        announced_at = datetime.datetime.fromisoformat(d.pop("announced_at"))

        fixed_fee = d.pop("fixed_fee")

        prices = PriceVersionOutPrices.from_dict(d.pop("prices"))

        price_version_out = cls(
            effective_month=effective_month,
            announced_at=announced_at,
            fixed_fee=fixed_fee,
            prices=prices,
        )

        price_version_out.additional_properties = d
        return price_version_out

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
