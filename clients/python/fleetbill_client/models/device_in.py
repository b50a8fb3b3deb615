from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="DeviceIn")


@_attrs_define
class DeviceIn:
    """
    Attributes:
        device_type_id (str):
        name (str | Unset):  Default: ''.
    """

    device_type_id: str
    name: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        device_type_id = self.device_type_id

        name = self.name

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "device_type_id": device_type_id,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        device_type_id = d.pop("device_type_id")

        name = d.pop("name", UNSET)

        device_in = cls(
            device_type_id=device_type_id,
            name=name,
        )

        return device_in
