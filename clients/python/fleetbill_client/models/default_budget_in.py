from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="DefaultBudgetIn")


@_attrs_define
class DefaultBudgetIn:
    """
    Attributes:
        default_budget (int | None): The budget of every account on the plan that sets none itself; null removes it.
    """

    default_budget: int | None

    def to_dict(self) -> dict[str, Any]:
        default_budget: int | None
        default_budget = self.default_budget

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "default_budget": default_budget,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_default_budget(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        default_budget = _parse_default_budget(d.pop("default_budget"))

        default_budget_in = cls(
            default_budget=default_budget,
        )

        return default_budget_in
