from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.refund_in_method import RefundInMethod
from ..types import UNSET, Unset

T = TypeVar("T", bound="RefundIn")


@_attrs_define
class RefundIn:
    """
    Attributes:
        method (RefundInMethod):
        reference (str | Unset): bank_transfer: the transfer that sends it back. Default: ''.
    """

    method: RefundInMethod
    reference: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        method = self.method.value

        reference = self.reference

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "method": method,
            }
        )
        if reference is not UNSET:
            field_dict["reference"] = reference

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        method = RefundInMethod(d.pop("method"))

        reference = d.pop("reference", UNSET)

        refund_in = cls(
            method=method,
            reference=reference,
        )

        return refund_in
