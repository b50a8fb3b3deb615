from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.billing_state_out_state import BillingStateOutState

T = TypeVar("T", bound="BillingStateOut")


@_attrs_define
class BillingStateOut:
    """Where the account stands (docs/decisions.md, "An account's billing state"): the same state
    and sentence as the operator's console and the customer's billing page show.

        Attributes:
            state (BillingStateOutState):
            label (str):
            summary (str): the state's one sentence, in English
            features_on (bool):
            invoice_number (None | str): the invoice the state is about; null when active
            since (datetime.datetime | None): suspended: since when
            next_try_at (datetime.datetime | None): payment failing by card: the next try
            due_at (datetime.datetime | None): payment overdue by bank transfer: the due date that passed
    """

    state: BillingStateOutState
    label: str
    summary: str
    features_on: bool
    invoice_number: None | str
    since: datetime.datetime | None
    next_try_at: datetime.datetime | None
    due_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        state = self.state.value

        label = self.label

        summary = self.summary

        features_on = self.features_on

        invoice_number: None | str
        invoice_number = self.invoice_number

        since: None | str
        if isinstance(self.since, datetime.datetime):
            since = self.since.isoformat()
        else:
            since = self.since

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
                "state": state,
                "label": label,
                "summary": summary,
                "features_on": features_on,
                "invoice_number": invoice_number,
                "since": since,
                "next_try_at": next_try_at,
                "due_at": due_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        state = BillingStateOutState(d.pop("state"))

        label = d.pop("label")

        summary = d.pop("summary")

        features_on = d.pop("features_on")

        def _parse_invoice_number(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        invoice_number = _parse_invoice_number(d.pop("invoice_number"))

        def _parse_since(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                since_type_0 = datetime.datetime.fromisoformat(data)

                return since_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        since = _parse_since(d.pop("since"))

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

        billing_state_out = cls(
            state=state,
            label=label,
            summary=summary,
            features_on=features_on,
            invoice_number=invoice_number,
            since=since,
            next_try_at=next_try_at,
            due_at=due_at,
        )

        billing_state_out.additional_properties = d
        return billing_state_out

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
