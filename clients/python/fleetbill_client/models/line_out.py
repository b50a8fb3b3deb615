from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.tier_charge_out import TierChargeOut


T = TypeVar("T", bound="LineOut")


@_attrs_define
class LineOut:
    """
    Attributes:
        kind (str):
        description (str):
        device_type_id (None | str):
        quantity (int):
        amount (int):
        tax_rate (str):
        tiers (list[TierChargeOut]):
        period_start (datetime.datetime | None | Unset):
        period_end (datetime.datetime | None | Unset):
        peak_at (datetime.datetime | None | Unset): R5 explained: on a usage line billed on a peak, the first instant
            the peak was reached (the month's first instant when devices Active since before already made it); GET
            /v1/accounts/{id}/peaks/{month} lists the devices Active then
    """

    kind: str
    description: str
    device_type_id: None | str
    quantity: int
    amount: int
    tax_rate: str
    tiers: list[TierChargeOut]
    period_start: datetime.datetime | None | Unset = UNSET
    period_end: datetime.datetime | None | Unset = UNSET
    peak_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind

        description = self.description

        device_type_id: None | str
        device_type_id = self.device_type_id

        quantity = self.quantity

        amount = self.amount

        tax_rate = self.tax_rate

        tiers = []
        for tiers_item_data in self.tiers:
            tiers_item = tiers_item_data.to_dict()
            tiers.append(tiers_item)

        period_start: None | str | Unset
        if isinstance(self.period_start, Unset):
            period_start = UNSET
        elif isinstance(self.period_start, datetime.datetime):
            period_start = self.period_start.isoformat()
        else:
            period_start = self.period_start

        period_end: None | str | Unset
        if isinstance(self.period_end, Unset):
            period_end = UNSET
        elif isinstance(self.period_end, datetime.datetime):
            period_end = self.period_end.isoformat()
        else:
            period_end = self.period_end

        peak_at: None | str | Unset
        if isinstance(self.peak_at, Unset):
            peak_at = UNSET
        elif isinstance(self.peak_at, datetime.datetime):
            peak_at = self.peak_at.isoformat()
        else:
            peak_at = self.peak_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "kind": kind,
                "description": description,
                "device_type_id": device_type_id,
                "quantity": quantity,
                "amount": amount,
                "tax_rate": tax_rate,
                "tiers": tiers,
            }
        )
        if period_start is not UNSET:
            field_dict["period_start"] = period_start
        if period_end is not UNSET:
            field_dict["period_end"] = period_end
        if peak_at is not UNSET:
            field_dict["peak_at"] = peak_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.tier_charge_out import TierChargeOut  # noqa: PLC0415

        d = dict(src_dict)
        kind = d.pop("kind")

        description = d.pop("description")

        def _parse_device_type_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        device_type_id = _parse_device_type_id(d.pop("device_type_id"))

        quantity = d.pop("quantity")

        amount = d.pop("amount")

        tax_rate = d.pop("tax_rate")

        tiers = []
        _tiers = d.pop("tiers")
        for tiers_item_data in _tiers:
            tiers_item = TierChargeOut.from_dict(tiers_item_data)

            tiers.append(tiers_item)

        def _parse_period_start(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                period_start_type_0 = datetime.datetime.fromisoformat(data)

                return period_start_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        period_start = _parse_period_start(d.pop("period_start", UNSET))

        def _parse_period_end(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                period_end_type_0 = datetime.datetime.fromisoformat(data)

                return period_end_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        period_end = _parse_period_end(d.pop("period_end", UNSET))

        def _parse_peak_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                peak_at_type_0 = datetime.datetime.fromisoformat(data)

                return peak_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        peak_at = _parse_peak_at(d.pop("peak_at", UNSET))

        line_out = cls(
            kind=kind,
            description=description,
            device_type_id=device_type_id,
            quantity=quantity,
            amount=amount,
            tax_rate=tax_rate,
            tiers=tiers,
            period_start=period_start,
            period_end=period_end,
            peak_at=peak_at,
        )

        line_out.additional_properties = d
        return line_out

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
