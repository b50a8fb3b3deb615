from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SwitchOut")


@_attrs_define
class SwitchOut:
    """
    Attributes:
        changed (list[str]):
        unchanged (list[str]):
        effective_at (datetime.datetime):
        note (str):
    """

    changed: list[str]
    unchanged: list[str]
    effective_at: datetime.datetime
    note: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        changed = self.changed

        unchanged = self.unchanged

        effective_at = self.effective_at.isoformat()

        note = self.note

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "changed": changed,
                "unchanged": unchanged,
                "effective_at": effective_at,
                "note": note,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        changed = cast(list[str], d.pop("changed"))

        unchanged = cast(list[str], d.pop("unchanged"))

        effective_at = datetime.datetime.fromisoformat(d.pop("effective_at"))

        note = d.pop("note")

        switch_out = cls(
            changed=changed,
            unchanged=unchanged,
            effective_at=effective_at,
            note=note,
        )

        switch_out.additional_properties = d
        return switch_out

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
