from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="DeviceOut")


@_attrs_define
class DeviceOut:
    """
    Attributes:
        id (str):
        account_id (str):
        device_type_id (str):
        name (str):
        key_last4 (str):
        active (bool):
        registered_at (datetime.datetime):
        key_status (Literal['issued'] | Unset):  Default: 'issued'.
    """

    id: str
    account_id: str
    device_type_id: str
    name: str
    key_last4: str
    active: bool
    registered_at: datetime.datetime
    key_status: Literal["issued"] | Unset = "issued"
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        account_id = self.account_id

        device_type_id = self.device_type_id

        name = self.name

        key_last4 = self.key_last4

        active = self.active

        registered_at = self.registered_at.isoformat()

        key_status = self.key_status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "account_id": account_id,
                "device_type_id": device_type_id,
                "name": name,
                "key_last4": key_last4,
                "active": active,
                "registered_at": registered_at,
            }
        )
        if key_status is not UNSET:
            field_dict["key_status"] = key_status

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        account_id = d.pop("account_id")

        device_type_id = d.pop("device_type_id")

        name = d.pop("name")

        key_last4 = d.pop("key_last4")

        active = d.pop("active")

        registered_at = datetime.datetime.fromisoformat(d.pop("registered_at"))

        key_status = cast(Literal["issued"] | Unset, d.pop("key_status", UNSET))
        if key_status != "issued" and not isinstance(key_status, Unset):
            raise ValueError(f"key_status must match const 'issued', got '{key_status}'")

        device_out = cls(
            id=id,
            account_id=account_id,
            device_type_id=device_type_id,
            name=name,
            key_last4=key_last4,
            active=active,
            registered_at=registered_at,
            key_status=key_status,
        )

        device_out.additional_properties = d
        return device_out

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
