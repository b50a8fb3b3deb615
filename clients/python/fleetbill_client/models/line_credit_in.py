from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="LineCreditIn")


@_attrs_define
class LineCreditIn:
    """
    Attributes:
        line (int): The invoice line's position (1, 2...), as the invoice lists them.
        quantity (int | None | Unset): How many of its units to credit (the last ones, highest tier first); null: all
            left.
    """

    line: int
    quantity: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        line = self.line

        quantity: int | None | Unset
        if isinstance(self.quantity, Unset):
            quantity = UNSET
        else:
            quantity = self.quantity

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "line": line,
            }
        )
        if quantity is not UNSET:
            field_dict["quantity"] = quantity

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        line = d.pop("line")

        def _parse_quantity(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        quantity = _parse_quantity(d.pop("quantity", UNSET))

        line_credit_in = cls(
            line=line,
            quantity=quantity,
        )

        return line_credit_in
