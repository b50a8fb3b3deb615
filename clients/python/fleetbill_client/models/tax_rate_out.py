from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="TaxRateOut")


@_attrs_define
class TaxRateOut:
    """
    Attributes:
        country (str):
        subdivision (None | str):
        rate (str):
        valid_from (datetime.datetime):
    """

    country: str
    subdivision: None | str
    rate: str
    valid_from: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        country = self.country

        subdivision: None | str
        subdivision = self.subdivision

        rate = self.rate

        valid_from = self.valid_from.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "country": country,
                "subdivision": subdivision,
                "rate": rate,
                "valid_from": valid_from,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        country = d.pop("country")

        def _parse_subdivision(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        subdivision = _parse_subdivision(d.pop("subdivision"))

        rate = d.pop("rate")

        valid_from = datetime.datetime.fromisoformat(d.pop("valid_from"))

        tax_rate_out = cls(
            country=country,
            subdivision=subdivision,
            rate=rate,
            valid_from=valid_from,
        )

        tax_rate_out.additional_properties = d
        return tax_rate_out

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
