from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.credit_note_in_refund_method_type_0 import CreditNoteInRefundMethodType0
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.line_credit_in import LineCreditIn


T = TypeVar("T", bound="CreditNoteIn")


@_attrs_define
class CreditNoteIn:
    """
    Attributes:
        reason (str):
        lines (list[LineCreditIn] | Unset): Whole lines, or part of a line's quantity.
        amount (int | None | Unset): An amount before tax, at `rate`.
        rate (float | None | str | Unset): The tax rate of `amount` (0.10); null: the invoice's only rate.
        refund_method (CreditNoteInRefundMethodType0 | None | Unset): How money received beyond what the invoice still
            asks goes back: required when there is some.
        refund_reference (str | Unset): bank_transfer: the transfer that sends it back. Default: ''.
    """

    reason: str
    lines: list[LineCreditIn] | Unset = UNSET
    amount: int | None | Unset = UNSET
    rate: float | None | str | Unset = UNSET
    refund_method: CreditNoteInRefundMethodType0 | None | Unset = UNSET
    refund_reference: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        reason = self.reason

        lines: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.lines, Unset):
            lines = []
            for lines_item_data in self.lines:
                lines_item = lines_item_data.to_dict()
                lines.append(lines_item)

        amount: int | None | Unset
        if isinstance(self.amount, Unset):
            amount = UNSET
        else:
            amount = self.amount

        rate: float | None | str | Unset
        if isinstance(self.rate, Unset):
            rate = UNSET
        else:
            rate = self.rate

        refund_method: None | str | Unset
        if isinstance(self.refund_method, Unset):
            refund_method = UNSET
        elif isinstance(self.refund_method, CreditNoteInRefundMethodType0):
            refund_method = self.refund_method.value
        else:
            refund_method = self.refund_method

        refund_reference = self.refund_reference

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "reason": reason,
            }
        )
        if lines is not UNSET:
            field_dict["lines"] = lines
        if amount is not UNSET:
            field_dict["amount"] = amount
        if rate is not UNSET:
            field_dict["rate"] = rate
        if refund_method is not UNSET:
            field_dict["refund_method"] = refund_method
        if refund_reference is not UNSET:
            field_dict["refund_reference"] = refund_reference

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.line_credit_in import LineCreditIn  # noqa: PLC0415

        d = dict(src_dict)
        reason = d.pop("reason")

        _lines = d.pop("lines", UNSET)
        lines: list[LineCreditIn] | Unset = UNSET
        if _lines is not UNSET:
            lines = []
            for lines_item_data in _lines:
                lines_item = LineCreditIn.from_dict(lines_item_data)

                lines.append(lines_item)

        def _parse_amount(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        amount = _parse_amount(d.pop("amount", UNSET))

        def _parse_rate(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        rate = _parse_rate(d.pop("rate", UNSET))

        def _parse_refund_method(data: object) -> CreditNoteInRefundMethodType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                refund_method_type_0 = CreditNoteInRefundMethodType0(data)

                return refund_method_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CreditNoteInRefundMethodType0 | None | Unset, data)

        refund_method = _parse_refund_method(d.pop("refund_method", UNSET))

        refund_reference = d.pop("refund_reference", UNSET)

        credit_note_in = cls(
            reason=reason,
            lines=lines,
            amount=amount,
            rate=rate,
            refund_method=refund_method,
            refund_reference=refund_reference,
        )

        return credit_note_in
