from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.credit_note_line_out import CreditNoteLineOut
    from ..models.credit_note_tax_out import CreditNoteTaxOut
    from ..models.refund_out import RefundOut


T = TypeVar("T", bound="CreditNoteOut")


@_attrs_define
class CreditNoteOut:
    """
    Attributes:
        id (str):
        number (str): In the credit notes' own gapless series: <prefix>-CN-00000001.
        invoice_id (str):
        invoice_number (str):
        account_id (str):
        currency (str):
        subtotal (int):
        tax_total (int):
        total (int):
        points_back (int): The part points had paid, given back as points (R16).
        refund_due (int): Money received beyond what the invoice now asks, sent back.
        reason (str):
        issued_at (datetime.datetime):
        lines (list[CreditNoteLineOut]):
        taxes (list[CreditNoteTaxOut]):
        refunds (list[RefundOut]):
    """

    id: str
    number: str
    invoice_id: str
    invoice_number: str
    account_id: str
    currency: str
    subtotal: int
    tax_total: int
    total: int
    points_back: int
    refund_due: int
    reason: str
    issued_at: datetime.datetime
    lines: list[CreditNoteLineOut]
    taxes: list[CreditNoteTaxOut]
    refunds: list[RefundOut]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        number = self.number

        invoice_id = self.invoice_id

        invoice_number = self.invoice_number

        account_id = self.account_id

        currency = self.currency

        subtotal = self.subtotal

        tax_total = self.tax_total

        total = self.total

        points_back = self.points_back

        refund_due = self.refund_due

        reason = self.reason

        issued_at = self.issued_at.isoformat()

        lines = []
        for lines_item_data in self.lines:
            lines_item = lines_item_data.to_dict()
            lines.append(lines_item)

        taxes = []
        for taxes_item_data in self.taxes:
            taxes_item = taxes_item_data.to_dict()
            taxes.append(taxes_item)

        refunds = []
        for refunds_item_data in self.refunds:
            refunds_item = refunds_item_data.to_dict()
            refunds.append(refunds_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "number": number,
                "invoice_id": invoice_id,
                "invoice_number": invoice_number,
                "account_id": account_id,
                "currency": currency,
                "subtotal": subtotal,
                "tax_total": tax_total,
                "total": total,
                "points_back": points_back,
                "refund_due": refund_due,
                "reason": reason,
                "issued_at": issued_at,
                "lines": lines,
                "taxes": taxes,
                "refunds": refunds,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.credit_note_line_out import CreditNoteLineOut  # noqa: PLC0415
        from ..models.credit_note_tax_out import CreditNoteTaxOut  # noqa: PLC0415
        from ..models.refund_out import RefundOut  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        number = d.pop("number")

        invoice_id = d.pop("invoice_id")

        invoice_number = d.pop("invoice_number")

        account_id = d.pop("account_id")

        currency = d.pop("currency")

        subtotal = d.pop("subtotal")

        tax_total = d.pop("tax_total")

        total = d.pop("total")

        points_back = d.pop("points_back")

        refund_due = d.pop("refund_due")

        reason = d.pop("reason")

        issued_at = datetime.datetime.fromisoformat(d.pop("issued_at"))

        lines = []
        _lines = d.pop("lines")
        for lines_item_data in _lines:
            lines_item = CreditNoteLineOut.from_dict(lines_item_data)

            lines.append(lines_item)

        taxes = []
        _taxes = d.pop("taxes")
        for taxes_item_data in _taxes:
            taxes_item = CreditNoteTaxOut.from_dict(taxes_item_data)

            taxes.append(taxes_item)

        refunds = []
        _refunds = d.pop("refunds")
        for refunds_item_data in _refunds:
            refunds_item = RefundOut.from_dict(refunds_item_data)

            refunds.append(refunds_item)

        credit_note_out = cls(
            id=id,
            number=number,
            invoice_id=invoice_id,
            invoice_number=invoice_number,
            account_id=account_id,
            currency=currency,
            subtotal=subtotal,
            tax_total=tax_total,
            total=total,
            points_back=points_back,
            refund_due=refund_due,
            reason=reason,
            issued_at=issued_at,
            lines=lines,
            taxes=taxes,
            refunds=refunds,
        )

        credit_note_out.additional_properties = d
        return credit_note_out

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
