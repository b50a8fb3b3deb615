from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="TransferIn")


@_attrs_define
class TransferIn:
    """
    Attributes:
        amount (int):
        reference (str):
    """

    amount: int
    reference: str

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        reference = self.reference

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "amount": amount,
                "reference": reference,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount = d.pop("amount")

        reference = d.pop("reference")

        transfer_in = cls(
            amount=amount,
            reference=reference,
        )

        return transfer_in
