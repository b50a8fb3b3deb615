from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.event_type import EventType

if TYPE_CHECKING:
    from ..models.event_out_data import EventOutData


T = TypeVar("T", bound="EventOut")


@_attrs_define
class EventOut:
    """
    Attributes:
        id (str): The event's id; also the `webhook-id` of its deliveries.
        type_ (EventType): Every event fleetbill records. The names are the API's and the webhooks' `type`.
        account_id (None | str): The account it is about; null for the operator's own events.
        sequence (int): 1, 2, 3... per account (per operator for null): a gap means a missed event.
        occurred_at (datetime.datetime):
        data (EventOutData): Self-contained: the invoice with its lines, the entitlements and why.
    """

    id: str
    type_: EventType
    account_id: None | str
    sequence: int
    occurred_at: datetime.datetime
    data: EventOutData
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        type_ = self.type_.value

        account_id: None | str
        account_id = self.account_id

        sequence = self.sequence

        occurred_at = self.occurred_at.isoformat()

        data = self.data.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "type": type_,
                "account_id": account_id,
                "sequence": sequence,
                "occurred_at": occurred_at,
                "data": data,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.event_out_data import EventOutData  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        type_ = EventType(d.pop("type"))

        def _parse_account_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        account_id = _parse_account_id(d.pop("account_id"))

        sequence = d.pop("sequence")

        occurred_at = datetime.datetime.fromisoformat(d.pop("occurred_at"))

        data = EventOutData.from_dict(d.pop("data"))

        event_out = cls(
            id=id,
            type_=type_,
            account_id=account_id,
            sequence=sequence,
            occurred_at=occurred_at,
            data=data,
        )

        event_out.additional_properties = d
        return event_out

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
