from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.new_delivery import NewDelivery


T = TypeVar("T", bound="RedeliveredEvent")


@_attrs_define
class RedeliveredEvent:
    """
    Attributes:
        event_id (str):
        deliveries (list[NewDelivery]):
        already_waiting (list[str]): Endpoints that still have it waiting: nothing was added.
    """

    event_id: str
    deliveries: list[NewDelivery]
    already_waiting: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        event_id = self.event_id

        deliveries = []
        for deliveries_item_data in self.deliveries:
            deliveries_item = deliveries_item_data.to_dict()
            deliveries.append(deliveries_item)

        already_waiting = self.already_waiting

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "event_id": event_id,
                "deliveries": deliveries,
                "already_waiting": already_waiting,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.new_delivery import NewDelivery  # noqa: PLC0415

        d = dict(src_dict)
        event_id = d.pop("event_id")

        deliveries = []
        _deliveries = d.pop("deliveries")
        for deliveries_item_data in _deliveries:
            deliveries_item = NewDelivery.from_dict(deliveries_item_data)

            deliveries.append(deliveries_item)

        already_waiting = cast(list[str], d.pop("already_waiting"))

        redelivered_event = cls(
            event_id=event_id,
            deliveries=deliveries,
            already_waiting=already_waiting,
        )

        redelivered_event.additional_properties = d
        return redelivered_event

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
