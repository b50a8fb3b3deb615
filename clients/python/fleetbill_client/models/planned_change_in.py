from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="PlannedChangeIn")


@_attrs_define
class PlannedChangeIn:
    """
    Attributes:
        device_ids (list[str]): The account's devices.
        active (bool): true: switched Active; false: switched Inactive.
        at (datetime.datetime | None | Unset): When (from now to the end of next month, in the account's zone); null:
            now. A device already in the status asked at that instant changes nothing.
    """

    device_ids: list[str]
    active: bool
    at: datetime.datetime | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        device_ids = self.device_ids

        active = self.active

        at: None | str | Unset
        if isinstance(self.at, Unset):
            at = UNSET
        elif isinstance(self.at, datetime.datetime):
            at = self.at.isoformat()
        else:
            at = self.at

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "device_ids": device_ids,
                "active": active,
            }
        )
        if at is not UNSET:
            field_dict["at"] = at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        device_ids = cast(list[str], d.pop("device_ids"))

        active = d.pop("active")

        def _parse_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                at_type_0 = datetime.datetime.fromisoformat(data)

                return at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        at = _parse_at(d.pop("at", UNSET))

        planned_change_in = cls(
            device_ids=device_ids,
            active=active,
            at=at,
        )

        return planned_change_in
