from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="TransferOut")


@_attrs_define
class TransferOut:
    """
    Attributes:
        invoice_id (str):
        received (int):
        left_to_pay (int):
        status (str):
    """

    invoice_id: str
    received: int
    left_to_pay: int
    status: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        invoice_id = self.invoice_id

        received = self.received

        left_to_pay = self.left_to_pay

        status = self.status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "invoice_id": invoice_id,
                "received": received,
                "left_to_pay": left_to_pay,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        invoice_id = d.pop("invoice_id")

        received = d.pop("received")

        left_to_pay = d.pop("left_to_pay")

        status = d.pop("status")

        transfer_out = cls(
            invoice_id=invoice_id,
            received=received,
            left_to_pay=left_to_pay,
            status=status,
        )

        transfer_out.additional_properties = d
        return transfer_out

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
