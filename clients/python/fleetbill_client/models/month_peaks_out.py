from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.type_peak_out import TypePeakOut


T = TypeVar("T", bound="MonthPeaksOut")


@_attrs_define
class MonthPeaksOut:
    """
    Attributes:
        account_id (str):
        month (str):
        period_start (datetime.datetime):
        period_end (datetime.datetime):
        closed (bool): The month is invoiced: these are its invoice's usage lines.
        as_of (datetime.datetime): The month's end once ended, else now.
        types (list[TypePeakOut]):
    """

    account_id: str
    month: str
    period_start: datetime.datetime
    period_end: datetime.datetime
    closed: bool
    as_of: datetime.datetime
    types: list[TypePeakOut]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        account_id = self.account_id

        month = self.month

        period_start = self.period_start.isoformat()

        period_end = self.period_end.isoformat()

        closed = self.closed

        as_of = self.as_of.isoformat()

        types = []
        for types_item_data in self.types:
            types_item = types_item_data.to_dict()
            types.append(types_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "account_id": account_id,
                "month": month,
                "period_start": period_start,
                "period_end": period_end,
                "closed": closed,
                "as_of": as_of,
                "types": types,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.type_peak_out import TypePeakOut  # noqa: PLC0415

        d = dict(src_dict)
        account_id = d.pop("account_id")

        month = d.pop("month")

        period_start = datetime.datetime.fromisoformat(d.pop("period_start"))

        period_end = datetime.datetime.fromisoformat(d.pop("period_end"))

        closed = d.pop("closed")

        as_of = datetime.datetime.fromisoformat(d.pop("as_of"))

        types = []
        _types = d.pop("types")
        for types_item_data in _types:
            types_item = TypePeakOut.from_dict(types_item_data)

            types.append(types_item)

        month_peaks_out = cls(
            account_id=account_id,
            month=month,
            period_start=period_start,
            period_end=period_end,
            closed=closed,
            as_of=as_of,
            types=types,
        )

        month_peaks_out.additional_properties = d
        return month_peaks_out

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
