from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.line_out import LineOut
    from ..models.tax_out import TaxOut


T = TypeVar("T", bound="EstimateOut")


@_attrs_define
class EstimateOut:
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
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
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
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
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

        estimate_out = cls(
            currency=currency,
            lines=lines,
            taxes=taxes,
            subtotal=subtotal,
            tax_total=tax_total,
            total=total,
            points_applied=points_applied,
            amount_due=amount_due,
            tax_note=tax_note,
        )

        estimate_out.additional_properties = d
        return estimate_out

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
