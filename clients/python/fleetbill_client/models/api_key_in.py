from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.api_key_in_scope import ApiKeyInScope

T = TypeVar("T", bound="ApiKeyIn")


@_attrs_define
class ApiKeyIn:
    """
    Attributes:
        name (str): Who uses it.
        scope (ApiKeyInScope): `read_only`: GET only; `full`: everything, including managing keys.
    """

    name: str
    scope: ApiKeyInScope

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        scope = self.scope.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "scope": scope,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        scope = ApiKeyInScope(d.pop("scope"))

        api_key_in = cls(
            name=name,
            scope=scope,
        )

        return api_key_in
