from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CreditNoteLineOut")


@_attrs_define
class CreditNoteLineOut:
    """
    Attributes:
        invoice_line (int | None): The invoice line credited; null for an amount.
        description (str):
        quantity (int):
        amount (int):
        tax_rate (str):
    """

    invoice_line: int | None
    description: str
    quantity: int
    amount: int
    tax_rate: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        invoice_line: int | None
        invoice_line = self.invoice_line

        description = self.description

        quantity = self.quantity

        amount = self.amount

        tax_rate = self.tax_rate

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "invoice_line": invoice_line,
                "description": description,
                "quantity": quantity,
                "amount": amount,
                "tax_rate": tax_rate,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_invoice_line(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        invoice_line = _parse_invoice_line(d.pop("invoice_line"))

        description = d.pop("description")

        quantity = d.pop("quantity")

        amount = d.pop("amount")

        tax_rate = d.pop("tax_rate")

        credit_note_line_out = cls(
            invoice_line=invoice_line,
            description=description,
            quantity=quantity,
            amount=amount,
            tax_rate=tax_rate,
        )

        credit_note_line_out.additional_properties = d
        return credit_note_line_out

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
