from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="WriteOffOut")


@_attrs_define
class WriteOffOut:
    """
    Attributes:
        invoice_id (str):
        status (Literal['uncollectible']):
        amount_left (int): Still owed: a transfer received later pays it.
    """

    invoice_id: str
    status: Literal["uncollectible"]
    amount_left: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        invoice_id = self.invoice_id

        status = self.status

        amount_left = self.amount_left

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "invoice_id": invoice_id,
                "status": status,
                "amount_left": amount_left,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        invoice_id = d.pop("invoice_id")

        status = cast(Literal["uncollectible"], d.pop("status"))
        if status != "uncollectible":
            raise ValueError(f"status must match const 'uncollectible', got '{status}'")

        amount_left = d.pop("amount_left")

        write_off_out = cls(
            invoice_id=invoice_id,
            status=status,
            amount_left=amount_left,
        )

        write_off_out.additional_properties = d
        return write_off_out

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
