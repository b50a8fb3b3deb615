from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="BulkStatusIn")


@_attrs_define
class BulkStatusIn:
    """
    Attributes:
        device_ids (list[str]):
        active (bool):
    """

    device_ids: list[str]
    active: bool

    def to_dict(self) -> dict[str, Any]:
        device_ids = self.device_ids

        active = self.active

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "device_ids": device_ids,
                "active": active,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        device_ids = cast(list[str], d.pop("device_ids"))

        active = d.pop("active")

        bulk_status_in = cls(
            device_ids=device_ids,
            active=active,
        )

        return bulk_status_in
