from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="TaxChangeOut")


@_attrs_define
class TaxChangeOut:
    """R13: a change of country/region or tax status waiting for the next contract period.

    Attributes:
        country (str):
        subdivision (None | str):
        tax_status (str):
        effective_at (datetime.datetime): The start of the next contract period, when it applies.
    """

    country: str
    subdivision: None | str
    tax_status: str
    effective_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        country = self.country

        subdivision: None | str
        subdivision = self.subdivision

        tax_status = self.tax_status

        effective_at = self.effective_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "country": country,
                "subdivision": subdivision,
                "tax_status": tax_status,
                "effective_at": effective_at,
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

        tax_status = d.pop("tax_status")

        effective_at = datetime.datetime.fromisoformat(d.pop("effective_at"))

        tax_change_out = cls(
            country=country,
            subdivision=subdivision,
            tax_status=tax_status,
            effective_at=effective_at,
        )

        tax_change_out.additional_properties = d
        return tax_change_out

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
