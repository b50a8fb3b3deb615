from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.invoice_out_status import InvoiceOutStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.charge_attempt_out import ChargeAttemptOut
    from ..models.invoice_collection_out import InvoiceCollectionOut
    from ..models.line_out import LineOut
    from ..models.tax_out import TaxOut


T = TypeVar("T", bound="InvoiceOut")


@_attrs_define
class InvoiceOut:
    """
    Attributes:
        currency (str):
        lines (list[LineOut]):
        taxes (list[TaxOut]):
        subtotal (int):
        tax_total (int):
        total (int):
        points_applied (int):
        amount_due (int):
        tax_note (None | str):
        id (str):
        number (str):
        account_id (str):
        kind (str):
        billing_month (None | str):
        status (InvoiceOutStatus): `partially_paid`: open, with part of it received (R18).
        amount_paid (int): Received so far, in the currency's minor unit.
        amount_left (int): Still to collect; 0 once paid or void.
        due_at (datetime.datetime | None): Bank transfer: the due date; card: null (charged on issue).
        collection (InvoiceCollectionOut | None):
        attempts (list[ChargeAttemptOut]): Every charge attempt, in the order tried.
        period_start (datetime.datetime):
        period_end (datetime.datetime):
        issued_at (datetime.datetime):
        recipient_name (str):
        issuer_name (str):
        issuer_registration_number (str):
        amount_credited (int | Unset): What its credit notes took off, tax included (R15). Default: 0.
    """

    currency: str
    lines: list[LineOut]
    taxes: list[TaxOut]
    subtotal: int
    tax_total: int
    total: int
    points_applied: int
    amount_due: int
    tax_note: None | str
    id: str
    number: str
    account_id: str
    kind: str
    billing_month: None | str
    status: InvoiceOutStatus
    amount_paid: int
    amount_left: int
    due_at: datetime.datetime | None
    collection: InvoiceCollectionOut | None
    attempts: list[ChargeAttemptOut]
    period_start: datetime.datetime
    period_end: datetime.datetime
    issued_at: datetime.datetime
    recipient_name: str
    issuer_name: str
    issuer_registration_number: str
    amount_credited: int | Unset = 0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.invoice_collection_out import InvoiceCollectionOut  # noqa: PLC0415

        currency = self.currency

        lines = []
        for lines_item_data in self.lines:
            lines_item = lines_item_data.to_dict()
            lines.append(lines_item)

        taxes = []
        for taxes_item_data in self.taxes:
            taxes_item = taxes_item_data.to_dict()
            taxes.append(taxes_item)

        subtotal = self.subtotal

        tax_total = self.tax_total

        total = self.total

        points_applied = self.points_applied

        amount_due = self.amount_due

        tax_note: None | str
        tax_note = self.tax_note

        id = self.id

        number = self.number

        account_id = self.account_id

        kind = self.kind

        billing_month: None | str
        billing_month = self.billing_month

        status = self.status.value

        amount_paid = self.amount_paid

        amount_left = self.amount_left

        due_at: None | str
        if isinstance(self.due_at, datetime.datetime):
            due_at = self.due_at.isoformat()
        else:
            due_at = self.due_at

        collection: dict[str, Any] | None
        if isinstance(self.collection, InvoiceCollectionOut):
            collection = self.collection.to_dict()
        else:
            collection = self.collection

        attempts = []
        for attempts_item_data in self.attempts:
            attempts_item = attempts_item_data.to_dict()
            attempts.append(attempts_item)

        period_start = self.period_start.isoformat()

        period_end = self.period_end.isoformat()

        issued_at = self.issued_at.isoformat()

        recipient_name = self.recipient_name

        issuer_name = self.issuer_name

        issuer_registration_number = self.issuer_registration_number

        amount_credited = self.amount_credited

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "currency": currency,
                "lines": lines,
                "taxes": taxes,
                "subtotal": subtotal,
                "tax_total": tax_total,
                "total": total,
                "points_applied": points_applied,
                "amount_due": amount_due,
                "tax_note": tax_note,
                "id": id,
                "number": number,
                "account_id": account_id,
                "kind": kind,
                "billing_month": billing_month,
                "status": status,
                "amount_paid": amount_paid,
                "amount_left": amount_left,
                "due_at": due_at,
                "collection": collection,
                "attempts": attempts,
                "period_start": period_start,
                "period_end": period_end,
                "issued_at": issued_at,
                "recipient_name": recipient_name,
                "issuer_name": issuer_name,
                "issuer_registration_number": issuer_registration_number,
            }
        )
        if amount_credited is not UNSET:
            field_dict["amount_credited"] = amount_credited

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.charge_attempt_out import ChargeAttemptOut  # noqa: PLC0415
        from ..models.invoice_collection_out import InvoiceCollectionOut  # noqa: PLC0415
        from ..models.line_out import LineOut  # noqa: PLC0415
        from ..models.tax_out import TaxOut  # noqa: PLC0415

        d = dict(src_dict)
        currency = d.pop("currency")

        lines = []
        _lines = d.pop("lines")
        for lines_item_data in _lines:
            lines_item = LineOut.from_dict(lines_item_data)

            lines.append(lines_item)

        taxes = []
        _taxes = d.pop("taxes")
        for taxes_item_data in _taxes:
            taxes_item = TaxOut.from_dict(taxes_item_data)

            taxes.append(taxes_item)

        subtotal = d.pop("subtotal")

        tax_total = d.pop("tax_total")

        total = d.pop("total")

        points_applied = d.pop("points_applied")

        amount_due = d.pop("amount_due")

        def _parse_tax_note(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        tax_note = _parse_tax_note(d.pop("tax_note"))

        id = d.pop("id")

        number = d.pop("number")

        account_id = d.pop("account_id")

        kind = d.pop("kind")

        def _parse_billing_month(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        billing_month = _parse_billing_month(d.pop("billing_month"))

        status = InvoiceOutStatus(d.pop("status"))

        amount_paid = d.pop("amount_paid")

        amount_left = d.pop("amount_left")

        def _parse_due_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                due_at_type_0 = datetime.datetime.fromisoformat(data)

                return due_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        due_at = _parse_due_at(d.pop("due_at"))

        def _parse_collection(data: object) -> InvoiceCollectionOut | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                collection_type_0 = InvoiceCollectionOut.from_dict(data)

                return collection_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(InvoiceCollectionOut | None, data)

        collection = _parse_collection(d.pop("collection"))

        attempts = []
        _attempts = d.pop("attempts")
        for attempts_item_data in _attempts:
            attempts_item = ChargeAttemptOut.from_dict(attempts_item_data)

            attempts.append(attempts_item)

        period_start = datetime.datetime.fromisoformat(d.pop("period_start"))

        period_end = datetime.datetime.fromisoformat(d.pop("period_end"))

        issued_at = datetime.datetime.fromisoformat(d.pop("issued_at"))

        recipient_name = d.pop("recipient_name")

        issuer_name = d.pop("issuer_name")

        issuer_registration_number = d.pop("issuer_registration_number")

        amount_credited = d.pop("amount_credited", UNSET)

        invoice_out = cls(
            currency=currency,
            lines=lines,
            taxes=taxes,
            subtotal=subtotal,
            tax_total=tax_total,
            total=total,
            points_applied=points_applied,
            amount_due=amount_due,
            tax_note=tax_note,
            id=id,
            number=number,
            account_id=account_id,
            kind=kind,
            billing_month=billing_month,
            status=status,
            amount_paid=amount_paid,
            amount_left=amount_left,
            due_at=due_at,
            collection=collection,
            attempts=attempts,
            period_start=period_start,
            period_end=period_end,
            issued_at=issued_at,
            recipient_name=recipient_name,
            issuer_name=issuer_name,
            issuer_registration_number=issuer_registration_number,
            amount_credited=amount_credited,
        )

        invoice_out.additional_properties = d
        return invoice_out

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
