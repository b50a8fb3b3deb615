from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="SandboxChargeOut")


@_attrs_define
class SandboxChargeOut:
    """
    Attributes:
        reference (str):
        customer (str):
        amount (int):
        currency (str):
        idempotency_key (str):
        invoice_id (None | str | Unset): The invoice the charge paid, from its metadata.
    """

    reference: str
    customer: str
    amount: int
    currency: str
    idempotency_key: str
    invoice_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        reference = self.reference

        customer = self.customer

        amount = self.amount

        currency = self.currency

        idempotency_key = self.idempotency_key

        invoice_id: None | str | Unset
        if isinstance(self.invoice_id, Unset):
            invoice_id = UNSET
        else:
            invoice_id = self.invoice_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "reference": reference,
                "customer": customer,
                "amount": amount,
                "currency": currency,
                "idempotency_key": idempotency_key,
            }
        )
        if invoice_id is not UNSET:
            field_dict["invoice_id"] = invoice_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        reference = d.pop("reference")

        customer = d.pop("customer")

        amount = d.pop("amount")

        currency = d.pop("currency")

        idempotency_key = d.pop("idempotency_key")

        def _parse_invoice_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        invoice_id = _parse_invoice_id(d.pop("invoice_id", UNSET))

        sandbox_charge_out = cls(
            reference=reference,
            customer=customer,
            amount=amount,
            currency=currency,
            idempotency_key=idempotency_key,
            invoice_id=invoice_id,
        )

        sandbox_charge_out.additional_properties = d
        return sandbox_charge_out

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
