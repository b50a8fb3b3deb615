from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="TaxRateIn")


@_attrs_define
class TaxRateIn:
    """
    Attributes:
        country (str):
        rate (float | str): a fraction: 0.10 is 10%
        valid_from (datetime.datetime):
        subdivision (None | str | Unset):
    """

    country: str
    rate: float | str
    valid_from: datetime.datetime
    subdivision: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        country = self.country

        rate: float | str
        rate = self.rate

        valid_from = self.valid_from.isoformat()

        subdivision: None | str | Unset
        if isinstance(self.subdivision, Unset):
            subdivision = UNSET
        else:
            subdivision = self.subdivision

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "country": country,
                "rate": rate,
                "valid_from": valid_from,
            }
        )
        if subdivision is not UNSET:
            field_dict["subdivision"] = subdivision

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        country = d.pop("country")

        def _parse_rate(data: object) -> float | str:
            return cast(float | str, data)

        rate = _parse_rate(d.pop("rate"))

        valid_from = datetime.datetime.fromisoformat(d.pop("valid_from"))

        def _parse_subdivision(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        subdivision = _parse_subdivision(d.pop("subdivision", UNSET))

        tax_rate_in = cls(
            country=country,
            rate=rate,
            valid_from=valid_from,
            subdivision=subdivision,
        )

        return tax_rate_in
