from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CollectOut")


@_attrs_define
class CollectOut:
    """
    Attributes:
        paid (list[str]):
        declined (list[str]):
        unknown (list[str]):
        suspended (list[str]):
    """

    paid: list[str]
    declined: list[str]
    unknown: list[str]
    suspended: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        paid = self.paid

        declined = self.declined

        unknown = self.unknown

        suspended = self.suspended

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "paid": paid,
                "declined": declined,
                "unknown": unknown,
                "suspended": suspended,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        paid = cast(list[str], d.pop("paid"))

        declined = cast(list[str], d.pop("declined"))

        unknown = cast(list[str], d.pop("unknown"))

        suspended = cast(list[str], d.pop("suspended"))

        collect_out = cls(
            paid=paid,
            declined=declined,
            unknown=unknown,
            suspended=suspended,
        )

        collect_out.additional_properties = d
        return collect_out

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
