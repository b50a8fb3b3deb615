from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="DeviceTypeChangeOut")


@_attrs_define
class DeviceTypeChangeOut:
    """
    Attributes:
        device_type (str):
        name (str):
        accounts (int): Accounts billed for this type in their window.
        devices (int): The quantities billed, summed (device-months).
        before (int):
        after (int):
        difference (int):
    """

    device_type: str
    name: str
    accounts: int
    devices: int
    before: int
    after: int
    difference: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        device_type = self.device_type

        name = self.name

        accounts = self.accounts

        devices = self.devices

        before = self.before

        after = self.after

        difference = self.difference

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "device_type": device_type,
                "name": name,
                "accounts": accounts,
                "devices": devices,
                "before": before,
                "after": after,
                "difference": difference,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        device_type = d.pop("device_type")

        name = d.pop("name")

        accounts = d.pop("accounts")

        devices = d.pop("devices")

        before = d.pop("before")

        after = d.pop("after")

        difference = d.pop("difference")

        device_type_change_out = cls(
            device_type=device_type,
            name=name,
            accounts=accounts,
            devices=devices,
            before=before,
            after=after,
            difference=difference,
        )

        device_type_change_out.additional_properties = d
        return device_type_change_out

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
