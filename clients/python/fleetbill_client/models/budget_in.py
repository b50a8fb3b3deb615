from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="BudgetIn")


@_attrs_define
class BudgetIn:
    """
    Attributes:
        amount (int | None): The account's monthly budget; null removes it (its plan's default, if any, then applies).
    """

    amount: int | None

    def to_dict(self) -> dict[str, Any]:
        amount: int | None
        amount = self.amount

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "amount": amount,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_amount(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        amount = _parse_amount(d.pop("amount"))

        budget_in = cls(
            amount=amount,
        )

        return budget_in
