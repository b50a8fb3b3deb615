from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.invoice_collection_out_method import InvoiceCollectionOutMethod
from ..models.invoice_collection_out_state import InvoiceCollectionOutState

T = TypeVar("T", bound="InvoiceCollectionOut")


@_attrs_define
class InvoiceCollectionOut:
    """How the invoice is being collected (R17 card retries, R18 bank transfer).

    Attributes:
        method (InvoiceCollectionOutMethod):
        state (InvoiceCollectionOutState):
        tries_made (int): Card tries that failed so far; a try that pays ends the collection (paid).
        next_try_at (datetime.datetime | None): Card: when the next try is due, while collecting.
        due_at (datetime.datetime | None): Bank transfer: the due date.
    """

    method: InvoiceCollectionOutMethod
    state: InvoiceCollectionOutState
    tries_made: int
    next_try_at: datetime.datetime | None
    due_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        method = self.method.value

        state = self.state.value

        tries_made = self.tries_made

        next_try_at: None | str
        if isinstance(self.next_try_at, datetime.datetime):
            next_try_at = self.next_try_at.isoformat()
        else:
            next_try_at = self.next_try_at

        due_at: None | str
        if isinstance(self.due_at, datetime.datetime):
            due_at = self.due_at.isoformat()
        else:
            due_at = self.due_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "method": method,
                "state": state,
                "tries_made": tries_made,
                "next_try_at": next_try_at,
                "due_at": due_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        method = InvoiceCollectionOutMethod(d.pop("method"))

        state = InvoiceCollectionOutState(d.pop("state"))

        tries_made = d.pop("tries_made")

        def _parse_next_try_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_try_at_type_0 = datetime.datetime.fromisoformat(data)

                return next_try_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        next_try_at = _parse_next_try_at(d.pop("next_try_at"))

        def _parse_due_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                due_at_type_0 = datetime.datetime.fromisoformat(data)

                return due_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        due_at = _parse_due_at(d.pop("due_at"))

        invoice_collection_out = cls(
            method=method,
            state=state,
            tries_made=tries_made,
            next_try_at=next_try_at,
            due_at=due_at,
        )

        invoice_collection_out.additional_properties = d
        return invoice_collection_out

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
