from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="StatusChangeOut")


@_attrs_define
class StatusChangeOut:
    """
    Attributes:
        active (bool):
        effective_at (datetime.datetime):
        actor (str):
        request_id (None | str):
    """

    active: bool
    effective_at: datetime.datetime
    actor: str
    request_id: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        active = self.active

        effective_at = self.effective_at.isoformat()

        actor = self.actor

        request_id: None | str
        request_id = self.request_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "active": active,
                "effective_at": effective_at,
                "actor": actor,
                "request_id": request_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        active = d.pop("active")

        effective_at = datetime.datetime.fromisoformat(d.pop("effective_at"))

        actor = d.pop("actor")

        def _parse_request_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        request_id = _parse_request_id(d.pop("request_id"))

        status_change_out = cls(
            active=active,
            effective_at=effective_at,
            actor=actor,
            request_id=request_id,
        )

        status_change_out.additional_properties = d
        return status_change_out

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
