from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="SandboxCardIn")


@_attrs_define
class SandboxCardIn:
    """
    Attributes:
        number (str):
        exp_month (int):
        exp_year (int):
        cvc (str | Unset):  Default: '123'.
    """

    number: str
    exp_month: int
    exp_year: int
    cvc: str | Unset = "123"

    def to_dict(self) -> dict[str, Any]:
        number = self.number

        exp_month = self.exp_month

        exp_year = self.exp_year

        cvc = self.cvc

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "number": number,
                "exp_month": exp_month,
                "exp_year": exp_year,
            }
        )
        if cvc is not UNSET:
            field_dict["cvc"] = cvc

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        number = d.pop("number")

        exp_month = d.pop("exp_month")

        exp_year = d.pop("exp_year")

        cvc = d.pop("cvc", UNSET)

        sandbox_card_in = cls(
            number=number,
            exp_month=exp_month,
            exp_year=exp_year,
            cvc=cvc,
        )

        return sandbox_card_in
