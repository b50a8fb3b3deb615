from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="CardIn")


@_attrs_define
class CardIn:
    """
    Attributes:
        token (str): the gateway's token for the card, never its number
        default (bool | Unset):  Default: False.
    """

    token: str
    default: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        token = self.token

        default = self.default

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "token": token,
            }
        )
        if default is not UNSET:
            field_dict["default"] = default

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        token = d.pop("token")

        default = d.pop("default", UNSET)

        card_in = cls(
            token=token,
            default=default,
        )

        return card_in
