from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.planned_change_in import PlannedChangeIn


T = TypeVar("T", bound="WhatIfIn")


@_attrs_define
class WhatIfIn:
    """
    Attributes:
        changes (list[PlannedChangeIn] | Unset): Switches, applied in time order (in the order given at one instant).
        plan_id (None | str | Unset): A plan change asked for now: an upgrade starts now, a downgrade at the next
            renewal (R10).
    """

    changes: list[PlannedChangeIn] | Unset = UNSET
    plan_id: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        changes: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.changes, Unset):
            changes = []
            for changes_item_data in self.changes:
                changes_item = changes_item_data.to_dict()
                changes.append(changes_item)

        plan_id: None | str | Unset
        if isinstance(self.plan_id, Unset):
            plan_id = UNSET
        else:
            plan_id = self.plan_id

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if changes is not UNSET:
            field_dict["changes"] = changes
        if plan_id is not UNSET:
            field_dict["plan_id"] = plan_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.planned_change_in import PlannedChangeIn  # noqa: PLC0415

        d = dict(src_dict)
        _changes = d.pop("changes", UNSET)
        changes: list[PlannedChangeIn] | Unset = UNSET
        if _changes is not UNSET:
            changes = []
            for changes_item_data in _changes:
                changes_item = PlannedChangeIn.from_dict(changes_item_data)

                changes.append(changes_item)

        def _parse_plan_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        plan_id = _parse_plan_id(d.pop("plan_id", UNSET))

        what_if_in = cls(
            changes=changes,
            plan_id=plan_id,
        )

        return what_if_in
