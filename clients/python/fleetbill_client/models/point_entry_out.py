from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PointEntryOut")


@_attrs_define
class PointEntryOut:
    """
    Attributes:
        kind (str):
        amount (int):
        grant_id (str):
        invoice_id (None | str):
        effective_at (datetime.datetime):
        reason (str):
        expires_at (datetime.datetime | None):
    """

    kind: str
    amount: int
    grant_id: str
    invoice_id: None | str
    effective_at: datetime.datetime
    reason: str
    expires_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind

        amount = self.amount

        grant_id = self.grant_id

        invoice_id: None | str
        invoice_id = self.invoice_id

        effective_at = self.effective_at.isoformat()

        reason = self.reason

        expires_at: None | str
        if isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "kind": kind,
                "amount": amount,
                "grant_id": grant_id,
                "invoice_id": invoice_id,
                "effective_at": effective_at,
                "reason": reason,
                "expires_at": expires_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        kind = d.pop("kind")

        amount = d.pop("amount")

        grant_id = d.pop("grant_id")

        def _parse_invoice_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        invoice_id = _parse_invoice_id(d.pop("invoice_id"))

        effective_at = datetime.datetime.fromisoformat(d.pop("effective_at"))

        reason = d.pop("reason")

        def _parse_expires_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)

                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        expires_at = _parse_expires_at(d.pop("expires_at"))

        point_entry_out = cls(
            kind=kind,
            amount=amount,
            grant_id=grant_id,
            invoice_id=invoice_id,
            effective_at=effective_at,
            reason=reason,
            expires_at=expires_at,
        )

        point_entry_out.additional_properties = d
        return point_entry_out

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
