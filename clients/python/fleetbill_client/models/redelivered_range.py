from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="RedeliveredRange")


@_attrs_define
class RedeliveredRange:
    """
    Attributes:
        endpoint_id (str):
        since (datetime.datetime):
        until (datetime.datetime):
        deliveries (int): How many new deliveries were made.
    """

    endpoint_id: str
    since: datetime.datetime
    until: datetime.datetime
    deliveries: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        endpoint_id = self.endpoint_id

        since = self.since.isoformat()

        until = self.until.isoformat()

        deliveries = self.deliveries

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "endpoint_id": endpoint_id,
                "since": since,
                "until": until,
                "deliveries": deliveries,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        endpoint_id = d.pop("endpoint_id")

        since = datetime.datetime.fromisoformat(d.pop("since"))

        until = datetime.datetime.fromisoformat(d.pop("until"))

        deliveries = d.pop("deliveries")

        redelivered_range = cls(
            endpoint_id=endpoint_id,
            since=since,
            until=until,
            deliveries=deliveries,
        )

        redelivered_range.additional_properties = d
        return redelivered_range

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
