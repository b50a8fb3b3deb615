from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="SandboxUpdateIn")


@_attrs_define
class SandboxUpdateIn:
    """
    Attributes:
        card_id (str):
        last4 (str):
        exp_month (int):
        exp_year (int):
    """

    card_id: str
    last4: str
    exp_month: int
    exp_year: int

    def to_dict(self) -> dict[str, Any]:
        card_id = self.card_id

        last4 = self.last4

        exp_month = self.exp_month

        exp_year = self.exp_year

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "card_id": card_id,
                "last4": last4,
                "exp_month": exp_month,
                "exp_year": exp_year,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        card_id = d.pop("card_id")

        last4 = d.pop("last4")

        exp_month = d.pop("exp_month")

        exp_year = d.pop("exp_year")

        sandbox_update_in = cls(
            card_id=card_id,
            last4=last4,
            exp_month=exp_month,
            exp_year=exp_year,
        )

        return sandbox_update_in
