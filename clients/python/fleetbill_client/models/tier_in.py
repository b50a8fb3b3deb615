from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="TierIn")


@_attrs_define
class TierIn:
    """
    Attributes:
        up_to (int | None): last device of this tier (inclusive); null on the last tier
        unit_price (int): integer in the currency's minor unit (JPY: yen)
    """

    up_to: int | None
    unit_price: int

    def to_dict(self) -> dict[str, Any]:
        up_to: int | None
        up_to = self.up_to

        unit_price = self.unit_price

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "up_to": up_to,
                "unit_price": unit_price,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_up_to(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        up_to = _parse_up_to(d.pop("up_to"))

        unit_price = d.pop("unit_price")

        tier_in = cls(
            up_to=up_to,
            unit_price=unit_price,
        )

        return tier_in
