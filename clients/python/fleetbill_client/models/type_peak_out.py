from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.device_at_peak_out import DeviceAtPeakOut


T = TypeVar("T", bound="TypePeakOut")


@_attrs_define
class TypePeakOut:
    """
    Attributes:
        device_type_id (str):
        name (str):
        peak (int): The most devices of the type Active at once in the month (so far): R5.
        peak_at (datetime.datetime): The first instant the peak was reached (the month's first instant when devices
            Active since before already made it).
        devices (list[DeviceAtPeakOut]): The devices Active at `peak_at`, in the order registered.
    """

    device_type_id: str
    name: str
    peak: int
    peak_at: datetime.datetime
    devices: list[DeviceAtPeakOut]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        device_type_id = self.device_type_id

        name = self.name

        peak = self.peak

        peak_at = self.peak_at.isoformat()

        devices = []
        for devices_item_data in self.devices:
            devices_item = devices_item_data.to_dict()
            devices.append(devices_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "device_type_id": device_type_id,
                "name": name,
                "peak": peak,
                "peak_at": peak_at,
                "devices": devices,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.device_at_peak_out import DeviceAtPeakOut  # noqa: PLC0415

        d = dict(src_dict)
        device_type_id = d.pop("device_type_id")

        name = d.pop("name")

        peak = d.pop("peak")

        peak_at = datetime.datetime.fromisoformat(d.pop("peak_at"))

        devices = []
        _devices = d.pop("devices")
        for devices_item_data in _devices:
            devices_item = DeviceAtPeakOut.from_dict(devices_item_data)

            devices.append(devices_item)

        type_peak_out = cls(
            device_type_id=device_type_id,
            name=name,
            peak=peak,
            peak_at=peak_at,
            devices=devices,
        )

        type_peak_out.additional_properties = d
        return type_peak_out

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
