from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.plan_preview_out_kind_type_0 import PlanPreviewOutKindType0

T = TypeVar("T", bound="PlanPreviewOut")


@_attrs_define
class PlanPreviewOut:
    """
    Attributes:
        before (str): The plan held now (a pending downgrade aside).
        after (str): The plan held at the end of next month with the change.
        kind (None | PlanPreviewOutKindType0):
        effective_at (datetime.datetime | None): When the new plan starts (R10); null: no change.
    """

    before: str
    after: str
    kind: None | PlanPreviewOutKindType0
    effective_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        before = self.before

        after = self.after

        kind: None | str
        if isinstance(self.kind, PlanPreviewOutKindType0):
            kind = self.kind.value
        else:
            kind = self.kind

        effective_at: None | str
        if isinstance(self.effective_at, datetime.datetime):
            effective_at = self.effective_at.isoformat()
        else:
            effective_at = self.effective_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "before": before,
                "after": after,
                "kind": kind,
                "effective_at": effective_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        before = d.pop("before")

        after = d.pop("after")

        def _parse_kind(data: object) -> None | PlanPreviewOutKindType0:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                kind_type_0 = PlanPreviewOutKindType0(data)

                return kind_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PlanPreviewOutKindType0, data)

        kind = _parse_kind(d.pop("kind"))

        def _parse_effective_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                effective_at_type_0 = datetime.datetime.fromisoformat(data)

                return effective_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        effective_at = _parse_effective_at(d.pop("effective_at"))

        plan_preview_out = cls(
            before=before,
            after=after,
            kind=kind,
            effective_at=effective_at,
        )

        plan_preview_out.additional_properties = d
        return plan_preview_out

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
