from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="AttemptOut")


@_attrs_define
class AttemptOut:
    """
    Attributes:
        try_number (int):
        card_id (str):
        amount (int):
        outcome (str):
        code (None | str):
        message (None | str):
        reference (None | str):
        attempted_at (datetime.datetime):
    """

    try_number: int
    card_id: str
    amount: int
    outcome: str
    code: None | str
    message: None | str
    reference: None | str
    attempted_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        try_number = self.try_number

        card_id = self.card_id

        amount = self.amount

        outcome = self.outcome

        code: None | str
        code = self.code

        message: None | str
        message = self.message

        reference: None | str
        reference = self.reference

        attempted_at = self.attempted_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "try_number": try_number,
                "card_id": card_id,
                "amount": amount,
                "outcome": outcome,
                "code": code,
                "message": message,
                "reference": reference,
                "attempted_at": attempted_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        try_number = d.pop("try_number")

        card_id = d.pop("card_id")

        amount = d.pop("amount")

        outcome = d.pop("outcome")

        def _parse_code(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        code = _parse_code(d.pop("code"))

        def _parse_message(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        message = _parse_message(d.pop("message"))

        def _parse_reference(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reference = _parse_reference(d.pop("reference"))

        attempted_at = datetime.datetime.fromisoformat(d.pop("attempted_at"))

        attempt_out = cls(
            try_number=try_number,
            card_id=card_id,
            amount=amount,
            outcome=outcome,
            code=code,
            message=message,
            reference=reference,
            attempted_at=attempted_at,
        )

        attempt_out.additional_properties = d
        return attempt_out

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
