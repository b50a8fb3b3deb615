from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.attempt_out import AttemptOut
    from ..models.invoice_payments_out_collection_type_0 import InvoicePaymentsOutCollectionType0
    from ..models.payment_out import PaymentOut


T = TypeVar("T", bound="InvoicePaymentsOut")


@_attrs_define
class InvoicePaymentsOut:
    """
    Attributes:
        invoice_id (str):
        status (str):
        amount_due (int):
        received (int):
        collection (InvoicePaymentsOutCollectionType0 | None):
        attempts (list[AttemptOut]):
        payments (list[PaymentOut]):
    """

    invoice_id: str
    status: str
    amount_due: int
    received: int
    collection: InvoicePaymentsOutCollectionType0 | None
    attempts: list[AttemptOut]
    payments: list[PaymentOut]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.invoice_payments_out_collection_type_0 import InvoicePaymentsOutCollectionType0  # noqa: PLC0415

        invoice_id = self.invoice_id

        status = self.status

        amount_due = self.amount_due

        received = self.received

        collection: dict[str, Any] | None
        if isinstance(self.collection, InvoicePaymentsOutCollectionType0):
            collection = self.collection.to_dict()
        else:
            collection = self.collection

        attempts = []
        for attempts_item_data in self.attempts:
            attempts_item = attempts_item_data.to_dict()
            attempts.append(attempts_item)

        payments = []
        for payments_item_data in self.payments:
            payments_item = payments_item_data.to_dict()
            payments.append(payments_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "invoice_id": invoice_id,
                "status": status,
                "amount_due": amount_due,
                "received": received,
                "collection": collection,
                "attempts": attempts,
                "payments": payments,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.attempt_out import AttemptOut  # noqa: PLC0415
        from ..models.invoice_payments_out_collection_type_0 import InvoicePaymentsOutCollectionType0  # noqa: PLC0415
        from ..models.payment_out import PaymentOut  # noqa: PLC0415

        d = dict(src_dict)
        invoice_id = d.pop("invoice_id")

        status = d.pop("status")

        amount_due = d.pop("amount_due")

        received = d.pop("received")

        def _parse_collection(data: object) -> InvoicePaymentsOutCollectionType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                collection_type_0 = InvoicePaymentsOutCollectionType0.from_dict(data)

                return collection_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(InvoicePaymentsOutCollectionType0 | None, data)

        collection = _parse_collection(d.pop("collection"))

        attempts = []
        _attempts = d.pop("attempts")
        for attempts_item_data in _attempts:
            attempts_item = AttemptOut.from_dict(attempts_item_data)

            attempts.append(attempts_item)

        payments = []
        _payments = d.pop("payments")
        for payments_item_data in _payments:
            payments_item = PaymentOut.from_dict(payments_item_data)

            payments.append(payments_item)

        invoice_payments_out = cls(
            invoice_id=invoice_id,
            status=status,
            amount_due=amount_due,
            received=received,
            collection=collection,
            attempts=attempts,
            payments=payments,
        )

        invoice_payments_out.additional_properties = d
        return invoice_payments_out

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
