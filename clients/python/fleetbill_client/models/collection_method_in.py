from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.collection_method_in_method import CollectionMethodInMethod

T = TypeVar("T", bound="CollectionMethodIn")


@_attrs_define
class CollectionMethodIn:
    """
    Attributes:
        method (CollectionMethodInMethod):
    """

    method: CollectionMethodInMethod

    def to_dict(self) -> dict[str, Any]:
        method = self.method.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "method": method,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        method = CollectionMethodInMethod(d.pop("method"))

        collection_method_in = cls(
            method=method,
        )

        return collection_method_in
