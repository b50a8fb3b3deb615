from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.charge_attempt_out_outcome import ChargeAttemptOutOutcome

T = TypeVar("T", bound="ChargeAttemptOut")


@_attrs_define
class ChargeAttemptOut:
    """One try at charging a card for the invoice (R17).

    Attributes:
        id (str):
        try_number (int): 1 for the first try, 2 for the next...
        card_id (str):
        amount (int):
        outcome (ChargeAttemptOutOutcome):
        failure_code (None | str): The gateway's code when declined or unanswered.
        failure_reason (None | str): Why it failed, as the gateway said; null unless it did.
        reference (None | str):
        attempted_at (datetime.datetime):
        resolved_at (datetime.datetime | None):
    """

    id: str
    try_number: int
    card_id: str
    amount: int
    outcome: ChargeAttemptOutOutcome
    failure_code: None | str
    failure_reason: None | str
    reference: None | str
    attempted_at: datetime.datetime
    resolved_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        try_number = self.try_number

        card_id = self.card_id

        amount = self.amount

        outcome = self.outcome.value

        failure_code: None | str
        failure_code = self.failure_code

        failure_reason: None | str
        failure_reason = self.failure_reason

        reference: None | str
        reference = self.reference

        attempted_at = self.attempted_at.isoformat()

        resolved_at: None | str
        if isinstance(self.resolved_at, datetime.datetime):
            resolved_at = self.resolved_at.isoformat()
        else:
            resolved_at = self.resolved_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "try_number": try_number,
                "card_id": card_id,
                "amount": amount,
                "outcome": outcome,
                "failure_code": failure_code,
                "failure_reason": failure_reason,
                "reference": reference,
                "attempted_at": attempted_at,
                "resolved_at": resolved_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        try_number = d.pop("try_number")

        card_id = d.pop("card_id")

        amount = d.pop("amount")

        outcome = ChargeAttemptOutOutcome(d.pop("outcome"))

        def _parse_failure_code(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        failure_code = _parse_failure_code(d.pop("failure_code"))

        def _parse_failure_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        failure_reason = _parse_failure_reason(d.pop("failure_reason"))

        def _parse_reference(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reference = _parse_reference(d.pop("reference"))

        attempted_at = datetime.datetime.fromisoformat(d.pop("attempted_at"))

        def _parse_resolved_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                resolved_at_type_0 = datetime.datetime.fromisoformat(data)

                return resolved_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        resolved_at = _parse_resolved_at(d.pop("resolved_at"))

        charge_attempt_out = cls(
            id=id,
            try_number=try_number,
            card_id=card_id,
            amount=amount,
            outcome=outcome,
            failure_code=failure_code,
            failure_reason=failure_reason,
            reference=reference,
            attempted_at=attempted_at,
            resolved_at=resolved_at,
        )

        charge_attempt_out.additional_properties = d
        return charge_attempt_out

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
