from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ImportOut")


@_attrs_define
class ImportOut:
    """
    Attributes:
        accounts_created (int):
        accounts_unchanged (int):
        devices_created (int):
        devices_unchanged (int):
        summary (str):
    """

    accounts_created: int
    accounts_unchanged: int
    devices_created: int
    devices_unchanged: int
    summary: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        accounts_created = self.accounts_created

        accounts_unchanged = self.accounts_unchanged

        devices_created = self.devices_created

        devices_unchanged = self.devices_unchanged

        summary = self.summary

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "accounts_created": accounts_created,
                "accounts_unchanged": accounts_unchanged,
                "devices_created": devices_created,
                "devices_unchanged": devices_unchanged,
                "summary": summary,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        accounts_created = d.pop("accounts_created")

        accounts_unchanged = d.pop("accounts_unchanged")

        devices_created = d.pop("devices_created")

        devices_unchanged = d.pop("devices_unchanged")

        summary = d.pop("summary")

        import_out = cls(
            accounts_created=accounts_created,
            accounts_unchanged=accounts_unchanged,
            devices_created=devices_created,
            devices_unchanged=devices_unchanged,
            summary=summary,
        )

        import_out.additional_properties = d
        return import_out

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
