from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CreditNoteTaxOut")


@_attrs_define
class CreditNoteTaxOut:
    """
    Attributes:
        rate (str):
        taxable_amount (int): Returned at this rate, before tax.
        tax (int): The tax returned at this rate, rounded once as the invoice's was (R12).
    """

    rate: str
    taxable_amount: int
    tax: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        rate = self.rate

        taxable_amount = self.taxable_amount

        tax = self.tax

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "rate": rate,
                "taxable_amount": taxable_amount,
                "tax": tax,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        rate = d.pop("rate")

        taxable_amount = d.pop("taxable_amount")

        tax = d.pop("tax")

        credit_note_tax_out = cls(
            rate=rate,
            taxable_amount=taxable_amount,
            tax=tax,
        )

        credit_note_tax_out.additional_properties = d
        return credit_note_tax_out

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
